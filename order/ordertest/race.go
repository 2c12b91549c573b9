package ordertest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// outcome is what one concurrent checkout returned.
type outcome struct {
	o   order.Order
	err error
}

// concurrently runs n calls of fn at once and returns their outcomes.
func concurrently(n int, fn func(i int) (order.Order, error)) []outcome {
	out := make([]outcome, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			o, err := fn(i)
			out[i] = outcome{o, err}
		}()
	}
	start.Done()
	done.Wait()
	return out
}

func testIdempotentConcurrentCheckout(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)
	cartID := w.Cart(t, Item{"MUG", 3})
	key := NewKey()
	// Half the calls go through a second Service, as another process's
	// would: the in-process wait does not cover them.
	other := w.OrderService(t, nil)

	outs := concurrently(20, func(i int) (order.Order, error) {
		svc := w.Orders
		if i%2 == 1 {
			svc = other
		}
		return svc.Checkout(ctx, cartID, Input("pm_card_visa", key))
	})
	ids := map[commerce.OrderID]bool{}
	confirmed := 0
	for _, r := range outs {
		if r.err != nil {
			// A duplicate that found the first call mid-payment in the
			// other process may be told to come back.
			requireCode(t, commerce.CodeUnavailable, r.err)
			continue
		}
		ids[r.o.ID] = true
		assert.Equal(t, order.StatusConfirmed, r.o.Status)
		confirmed++
	}
	assert.Len(t, ids, 1, "one order")
	assert.Positive(t, confirmed)

	o, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", key))
	require.NoError(t, err)
	assert.True(t, ids[o.ID])
	assert.Len(t, w.Provider.Charges(), 1, "one charge")
	assert.Equal(t, int64(3*defaultPrice), w.captured(t, o.ID))
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{7, 0}, [2]int{onHand, reserved}, "one reservation, deducted once")
	assert.Len(t, w.Events.Await(t, "order.created", 1), 1)
	assert.Len(t, w.Events.Await(t, "order.confirmed", 1), 1)
	assert.Len(t, w.Events.Await(t, "inventory.reserved", 1), 1)

	// The key belongs to that cart.
	_, err = w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 1}), Input("pm_card_visa", key))
	requireCode(t, commerce.CodeConflict, err)
}

func testOneCartManyKeys(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)
	cartID := w.Cart(t, Item{"MUG", 2})

	outs := concurrently(8, func(int) (order.Order, error) {
		return w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", NewKey()))
	})
	won := 0
	for _, r := range outs {
		if r.err == nil {
			won++
			continue
		}
		// The losers found the cart's order under way (Conflict) or the
		// cart converted (FailedPrecondition).
		assert.Contains(t, []commerce.ErrorCode{commerce.CodeConflict, commerce.CodeFailedPrecondition}, commerce.Code(r.err), "%v", r.err)
	}
	assert.Equal(t, 1, won, "one cart, one order")
	assert.Len(t, w.Provider.Charges(), 1)
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{8, 0}, [2]int{onHand, reserved})
}

func testLastUnitRace(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "LAST", 1)
	carts := []commerce.CartID{w.Cart(t, Item{"LAST", 1}), w.Cart(t, Item{"LAST", 1})}

	outs := concurrently(2, func(i int) (order.Order, error) {
		return w.Orders.Checkout(ctx, carts[i], Input("pm_card_visa", NewKey()))
	})
	var winner order.Order
	losers := 0
	for _, r := range outs {
		if r.err == nil {
			winner = r.o
			continue
		}
		requireCode(t, commerce.CodeOutOfStock, r.err)
		losers++
	}
	require.Equal(t, 1, losers, "one buyer gets the last unit")
	assert.Equal(t, order.StatusConfirmed, winner.Status)
	charges := w.Provider.Charges()
	require.Len(t, charges, 1, "the loser is not charged")
	assert.Equal(t, winner.PaymentIDs[0], charges[0].PaymentID)
	onHand, reserved := w.level(t, "LAST")
	assert.Equal(t, [2]int{0, 0}, [2]int{onHand, reserved})
}

func testManyBuyersFewUnits(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	const units, buyers = 5, 20
	w.SetStock(t, "HOT", units)
	carts := make([]commerce.CartID, buyers)
	for i := range carts {
		carts[i] = w.Cart(t, Item{"HOT", 1})
	}
	outs := concurrently(buyers, func(i int) (order.Order, error) {
		return w.Orders.Checkout(ctx, carts[i], Input("pm_card_visa", NewKey()))
	})
	sold := 0
	for _, r := range outs {
		if r.err == nil {
			sold++
			continue
		}
		requireCode(t, commerce.CodeOutOfStock, r.err)
	}
	assert.Equal(t, units, sold)
	assert.Len(t, w.Provider.Charges(), units)
	onHand, reserved := w.level(t, "HOT")
	assert.Equal(t, [2]int{0, 0}, [2]int{onHand, reserved}, "never oversold")
}
