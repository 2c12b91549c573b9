package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// A reservation writes its levels in one statement of parameter rows up
// to a few levels and from arrays beyond: both keep every level exact.
func TestInventoryStoreWritesFewAndManyLevels(t *testing.T) {
	ctx := context.Background()
	store, err := postgres.NewInventoryStore(newPool(t), &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	stock, err := inventory.NewService(store, nil)
	require.NoError(t, err)
	for _, n := range []int{1, 3, 16, 17, 40} {
		var lines []inventory.Line
		for i := range n {
			sku := fmt.Sprintf("N%d-SKU-%02d", n, i)
			_, err := stock.SetStock(ctx, sku, "", 10, "test")
			require.NoError(t, err)
			lines = append(lines, inventory.Line{SKU: sku, Quantity: 1 + i%3})
		}
		id := commerce.NewID[commerce.ReservationID]()
		_, err := stock.Reserve(ctx, id, lines, time.Hour)
		require.NoError(t, err, "%d lines", n)
		for _, l := range lines {
			level, err := stock.Level(ctx, l.SKU, "")
			require.NoError(t, err)
			require.Equal(t, l.Quantity, level.Reserved, "%s reserved, %d lines", l.SKU, n)
		}
		require.NoError(t, stock.Deduct(ctx, id), "%d lines", n)
		for _, l := range lines {
			level, err := stock.Level(ctx, l.SKU, "")
			require.NoError(t, err)
			require.Zero(t, level.Reserved, "%s reserved after the deduction, %d lines", l.SKU, n)
			require.Equal(t, 10-l.Quantity, level.OnHand, "%s on hand after the deduction, %d lines", l.SKU, n)
		}
	}
}
