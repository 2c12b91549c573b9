package memory_test

import (
	"context"
	"errors"
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

type failingPublisher struct{}

func (failingPublisher) Publish(context.Context, ...commerce.Envelope) error {
	return errors.New("bus down")
}

// The memory store publishes after applying: a refused publish reports
// Unavailable but the change stands, and the retry the caller makes is
// answered idempotently.
func TestInventoryStoreFailingPublisher(t *testing.T) {
	ctx := context.Background()
	svc, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: failingPublisher{}}), nil)
	require.NoError(t, err)
	_, err = svc.SetStock(ctx, "sku-a", "", 5, "count")
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "back in stock is announced: its publish fails")
	n, err := svc.Available(ctx, "sku-a")
	require.NoError(t, err)
	require.Equal(t, 5, n, "the stock stands")

	id := commerce.NewID[commerce.ReservationID]()
	lines := []inventory.Line{{SKU: "sku-a", Quantity: 2}}
	_, err = svc.Reserve(ctx, id, lines, time.Hour)
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	res, err := svc.Reserve(ctx, id, lines, time.Hour)
	require.NoError(t, err, "the retry returns the applied reservation")
	require.Equal(t, inventory.StatusReserved, res.Status)
	n, err = svc.Available(ctx, "sku-a")
	require.NoError(t, err)
	require.Equal(t, 3, n, "reserved once")

	require.Equal(t, commerce.CodeUnavailable, commerce.Code(svc.Deduct(ctx, id)))
	require.NoError(t, svc.Deduct(ctx, id), "the retry is a no-op")
	l, err := svc.Level(ctx, "sku-a", "")
	require.NoError(t, err)
	require.Equal(t, 3, l.OnHand)
	require.Zero(t, l.Reserved)
}
