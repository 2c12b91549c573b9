package ordertest

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
)

// untracked returns s with the World's inventory run with
// inventory.Options.Untracked.
func (s suite) untracked() suite {
	s.opts.Untracked = true
	return s
}

// testUntrackedLines runs with Options.Untracked: a cart mixing a stocked
// SKU with one never stocked checks out, reserving and deducting only the
// stocked one; cancelling restocks it and a declined payment releases
// it, neither making a level for the other; once the host gives the
// untracked SKU an empty level, it is out of stock.
func testUntrackedLines(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	w.Prices.Ensure("POSTER")
	poster := []inventory.Line{{SKU: "POSTER", Quantity: 4}}

	o, err := w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 2}, Item{"POSTER", 4}), Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, money(6*defaultPrice), o.Totals.Total)
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{3, 0}, [2]int{onHand, reserved})
	res, err := w.Stock.Get(ctx, o.ReservationID)
	require.NoError(t, err)
	assert.Equal(t, inventory.StatusDeducted, res.Status)
	assert.Equal(t, poster, res.Untracked)
	assert.Equal(t, []inventory.Allocation{{SKU: "MUG", Location: inventory.DefaultLocation, Quantity: 2}}, res.Allocations)

	_, err = w.Orders.Cancel(ctx, o.ID, order.ActorAdmin, "changed mind")
	require.NoError(t, err)
	res, err = w.Stock.Get(ctx, o.ReservationID)
	require.NoError(t, err)
	assert.Equal(t, inventory.StatusRestocked, res.Status)
	onHand, reserved = w.level(t, "MUG")
	assert.Equal(t, [2]int{5, 0}, [2]int{onHand, reserved}, "the stocked line is restocked")

	declined, err := w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 1}, Item{"POSTER", 4}), Input("pm_card_chargeDeclinedInsufficientFunds", NewKey()))
	requireCode(t, commerce.CodePaymentDeclined, err)
	res, err = w.Stock.Get(ctx, declined.ReservationID)
	require.NoError(t, err)
	assert.Equal(t, inventory.StatusReleased, res.Status)
	assert.Equal(t, poster, res.Untracked)
	onHand, reserved = w.level(t, "MUG")
	assert.Equal(t, [2]int{5, 0}, [2]int{onHand, reserved}, "the stocked line is released")
	levels, err := w.Stock.Levels(ctx, "POSTER")
	require.NoError(t, err)
	assert.Empty(t, levels, "settling an untracked line makes no level")

	w.SetStock(t, "POSTER", 0)
	_, err = w.Orders.Checkout(ctx, w.Cart(t, Item{"POSTER", 1}), Input("pm_card_visa", NewKey()))
	requireCode(t, commerce.CodeOutOfStock, err)
	var oos *inventory.OutOfStockError
	require.True(t, errors.As(err, &oos), "error: %v", err)
	assert.Equal(t, []inventory.Shortage{{SKU: "POSTER", Requested: 1, Available: 0}}, oos.Shortages)
}
