package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/inventory/inventorytest"
)

func TestInventoryStore(t *testing.T) {
	inventorytest.Run(t, func(_ testing.TB, events commerce.EventPublisher) inventory.Store {
		return memory.NewInventoryStore(&memory.Options{Events: events})
	})
}

// TestInventoryStoreFailingPublisher: a write whose events cannot be
// published leaves no trace, and the caller's retry applies it once.
func TestInventoryStoreFailingPublisher(t *testing.T) {
	ctx := context.Background()
	pub := newSwitchPublisher()
	svc, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: pub}), nil)
	require.NoError(t, err)
	pub.down.Store(true)
	_, err = svc.SetStock(ctx, "sku-a", "", 5, "count")
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "back in stock is announced: its publish fails")
	n, err := svc.Available(ctx, "sku-a")
	require.NoError(t, err)
	require.Zero(t, n, "no stock set")
	pub.down.Store(false)
	_, err = svc.SetStock(ctx, "sku-a", "", 5, "count")
	require.NoError(t, err)

	id := commerce.NewID[commerce.ReservationID]()
	lines := []inventory.Line{{SKU: "sku-a", Quantity: 2}}
	pub.down.Store(true)
	_, err = svc.Reserve(ctx, id, lines, time.Hour)
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	n, err = svc.Available(ctx, "sku-a")
	require.NoError(t, err)
	require.Equal(t, 5, n, "nothing reserved")
	pub.down.Store(false)
	res, err := svc.Reserve(ctx, id, lines, time.Hour)
	require.NoError(t, err)
	require.Equal(t, inventory.StatusReserved, res.Status)
	n, err = svc.Available(ctx, "sku-a")
	require.NoError(t, err)
	require.Equal(t, 3, n, "reserved once")

	pub.down.Store(true)
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(svc.Deduct(ctx, id)))
	pub.down.Store(false)
	require.NoError(t, svc.Deduct(ctx, id))
	l, err := svc.Level(ctx, "sku-a", "")
	require.NoError(t, err)
	require.Equal(t, 3, l.OnHand, "deducted once")
	require.Zero(t, l.Reserved)
	require.Len(t, pub.rec.Named(inventory.Reserved{}.EventName()), 1, "one reservation announced")
}
