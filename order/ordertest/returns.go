package ordertest

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// returnsOptions charge 4.95 shipping (free from 1000.00) and 7.7% tax,
// so prorated shares do not divide evenly.
func returnsOptions(shipping order.ReturnShippingPolicy, tax order.ReturnTaxPolicy) *order.Options {
	return &order.Options{
		Shipping:       order.FlatShipping{Rates: map[commerce.Currency]int64{usd: 495}, FreeOver: map[commerce.Currency]int64{usd: 100000}},
		Tax:            order.PercentTax{BasisPoints: 770},
		ReturnShipping: shipping, ReturnTax: tax,
	}
}

// delivered checks out a cart of items and moves the order to Delivered.
func (w *World) delivered(t testing.TB, items ...Item) order.Order {
	t.Helper()
	ctx := context.Background()
	o, err := w.Orders.Checkout(ctx, w.Cart(t, items...), Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	for _, to := range []order.Status{order.StatusProcessing, order.StatusPacked, order.StatusShipped,
		order.StatusInTransit, order.StatusOutForDelivery, order.StatusDelivered} {
		o, err = w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: to})
		require.NoError(t, err)
	}
	return o
}

// returnAll requests, approves and refunds one return of lines.
func (w *World) returnAll(t testing.TB, id commerce.OrderID, lines ...order.ReturnLine) order.Return {
	t.Helper()
	ctx := context.Background()
	_, r, err := w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: id, Lines: lines, Reason: "too small"})
	require.NoError(t, err)
	_, _, err = w.Orders.ApproveReturn(ctx, id, r.Number, "")
	require.NoError(t, err)
	_, r, err = w.Orders.RefundReturn(ctx, id, r.Number, "")
	require.NoError(t, err)
	require.Equal(t, order.ReturnStatusRefunded, r.Status)
	return r
}

// testPartialReturns: a delivered order is returned in parts, each a
// record with its own steps and a prorated refund the payment really
// pays back; never more units than were bought.
func testPartialReturns(t *testing.T, s suite) {
	w := s.world(t, returnsOptions(order.ReturnShippingRefunded, order.ReturnTaxRefunded))
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)
	w.SetStock(t, "TEE", 10)
	w.Prices.Set("TEE", 1999)
	o := w.delivered(t, Item{"MUG", 3}, Item{"TEE", 1})
	// 3 × 12.50 + 19.99 = 57.49; shipping 4.95; tax 7.7% of 62.44 = 4.81.
	require.Equal(t, order.Totals{Subtotal: money(5749), Discount: money(0), Shipping: money(495), Tax: money(481), Total: money(6725)}, o.Totals)

	got, r, err := w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: o.ID, Lines: []order.ReturnLine{{SKU: "MUG", Quantity: 1}}, Reason: "chipped", Actor: order.CustomerActor("")})
	require.NoError(t, err)
	assert.Equal(t, order.StatusDelivered, got.Status, "a return is a record; the order stays delivered")
	assert.Equal(t, 1, r.Number)
	assert.Equal(t, order.ReturnStatusRequested, r.Status)
	// The MUG line's shares, by its 37.50 of 57.49: 3.23 of the shipping
	// (1.08, 1.08, 1.07 per unit) and 3.14 of the tax (1.05, 1.05, 1.04).
	assert.Equal(t, order.ReturnRefund{Items: money(1250), Shipping: money(108), Tax: money(105), Total: money(1463)}, r.Refund)
	require.Len(t, got.Returns, 1)
	assert.Equal(t, r, got.Returns[0])
	stored, err := w.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, got, stored)

	// Steps go in order; repeats change nothing.
	_, _, err = w.Orders.RefundReturn(ctx, o.ID, 1, "")
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, r, err = w.Orders.ApproveReturn(ctx, o.ID, 1, "")
	require.NoError(t, err)
	assert.Equal(t, order.ReturnStatusApproved, r.Status)
	_, again, err := w.Orders.ApproveReturn(ctx, o.ID, 1, "")
	require.NoError(t, err)
	assert.Equal(t, r, again)
	_, r, err = w.Orders.RefundReturn(ctx, o.ID, 1, "")
	require.NoError(t, err)
	assert.Equal(t, order.ReturnStatusRefunded, r.Status)
	assert.Equal(t, int64(6725-1463), w.captured(t, o.ID), "the refund is paid back")
	_, _, err = w.Orders.RefundReturn(ctx, o.ID, 1, "")
	require.NoError(t, err, "refunding again is a no-op")
	assert.Equal(t, int64(6725-1463), w.captured(t, o.ID), "and pays nothing twice")
	_, _, err = w.Orders.ApproveReturn(ctx, o.ID, 7, "")
	requireCode(t, commerce.CodeNotFound, err)

	// Never more than was bought, whatever the returns before.
	_, _, err = w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: o.ID, Lines: []order.ReturnLine{{SKU: "MUG", Quantity: 3}}})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	for _, bad := range [][]order.ReturnLine{nil, {{SKU: "HAT", Quantity: 1}}, {{SKU: "MUG", Quantity: 0}}, {{SKU: "MUG", Quantity: 1}, {SKU: "MUG", Quantity: 1}}} {
		_, _, err = w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: o.ID, Lines: bad})
		requireCode(t, commerce.CodeInvalidArgument, err)
	}
	r2 := w.returnAll(t, o.ID, order.ReturnLine{SKU: "MUG", Quantity: 2}, order.ReturnLine{SKU: "TEE", Quantity: 1})
	assert.Equal(t, 2, r2.Number)
	assert.Equal(t, money(6725-1463), r2.Refund.Total, "the last return takes what is left, to the cent")
	assert.Equal(t, int64(0), w.captured(t, o.ID))
	_, _, err = w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: o.ID, Lines: []order.ReturnLine{{SKU: "TEE", Quantity: 1}}})
	requireCode(t, commerce.CodeFailedPrecondition, err)

	// A return of an order not delivered yet is refused.
	w.SetStock(t, "MUG", 10)
	confirmed := w.confirmedOrder(t, 1)
	_, _, err = w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: confirmed.ID, Lines: []order.ReturnLine{{SKU: "MUG", Quantity: 1}}})
	requireCode(t, commerce.CodeFailedPrecondition, err)

	evs := w.Events.Await(t, "order.return_updated", 6)
	var steps []order.ReturnStatus
	for _, e := range evs {
		steps = append(steps, e.Payload.(order.ReturnUpdated).Return.Status)
	}
	assert.Equal(t, []order.ReturnStatus{order.ReturnStatusRequested, order.ReturnStatusApproved, order.ReturnStatusRefunded,
		order.ReturnStatusRequested, order.ReturnStatusApproved, order.ReturnStatusRefunded}, steps)
}

// testReturnsSumToFullRefund: property. However an order's units are
// split into returns, and whatever the policy, the refunds of all its
// returns add up to exactly the refund of returning everything at once,
// which is the order's total when tax and shipping are refunded.
//
// Each policy is a subtest, so its world (on a sharded store, a pool per
// shard and a relay with its own connection) is closed before the next
// one opens: three open at once took half of a default server's
// connections.
func testReturnsSumToFullRefund(t *testing.T, s suite) {
	for _, policy := range []returnPolicy{
		{order.ReturnShippingRefunded, order.ReturnTaxRefunded},
		{order.ReturnShippingKept, order.ReturnTaxRefunded},
		{order.ReturnShippingKept, order.ReturnTaxKept},
	} {
		t.Run("shipping "+string(policy.shipping)+", tax "+string(policy.tax), func(t *testing.T) {
			returnsSumToFullRefund(t, s, policy)
		})
	}
}

// returnPolicy is what a return refunds of an order's shipping and tax.
type returnPolicy struct {
	shipping order.ReturnShippingPolicy
	tax      order.ReturnTaxPolicy
}

// returnsSumToFullRefund checks the property of testReturnsSumToFullRefund
// under one policy.
func returnsSumToFullRefund(t *testing.T, s suite, policy returnPolicy) {
	w := s.world(t, returnsOptions(policy.shipping, policy.tax))
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(17, uint64(len(policy.shipping)+len(policy.tax))))
	for round := range 4 {
		var items []Item
		bought := map[string]int{}
		for i := range 1 + rng.IntN(3) {
			sku := SKU(i)
			w.SetStock(t, sku, 100)
			w.Prices.Set(sku, 1+rng.Int64N(9999))
			items = append(items, Item{sku, 1 + rng.IntN(5)})
			bought[sku] = items[len(items)-1].Quantity
		}
		whole := w.delivered(t, items...)
		var all []order.ReturnLine
		for _, it := range items {
			all = append(all, order.ReturnLine{SKU: it.SKU, Quantity: it.Quantity})
		}
		full := w.returnAll(t, whole.ID, all...).Refund.Total

		o := w.delivered(t, items...)
		require.Equal(t, whole.Totals, o.Totals)
		sum := commerce.Zero(usd)
		for left := len(all); left > 0; {
			var lines []order.ReturnLine
			for sku, n := range bought {
				if n == 0 || rng.IntN(2) == 0 {
					continue
				}
				q := 1 + rng.IntN(n)
				lines = append(lines, order.ReturnLine{SKU: sku, Quantity: q})
				bought[sku] -= q
			}
			if len(lines) == 0 {
				continue
			}
			r := w.returnAll(t, o.ID, lines...)
			var err error
			sum, err = sum.Add(r.Refund.Total)
			require.NoError(t, err)
			left = 0
			for _, n := range bought {
				if n > 0 {
					left++
				}
			}
		}
		require.Equal(t, full, sum, "policy %v round %d: the parts add up to the whole", policy, round)
		if policy.shipping == order.ReturnShippingRefunded && policy.tax == order.ReturnTaxRefunded {
			require.Equal(t, o.Totals.Total, sum, "everything returned refunds the total")
			require.Equal(t, int64(0), w.captured(t, o.ID))
		}
		_, _, err := w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: o.ID, Lines: []order.ReturnLine{{SKU: items[0].SKU, Quantity: 1}}})
		requireCode(t, commerce.CodeFailedPrecondition, err)
	}
}
