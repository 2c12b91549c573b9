package ordertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// testCrashRecovery kills a checkout at each of its writes in turn — after
// the write took effect but before its caller heard back — and then lets
// the recovery worker (or the customer's retry with the same key) take
// over. Every run must end either Confirmed and charged exactly once with
// the stock deducted, or not confirmed with nothing charged and the stock
// as it was.
func testCrashRecovery(t *testing.T, s suite) {
	shipment := &order.Options{Capture: order.CaptureAtShipment}
	cases := []crashCase{
		{token: "pm_card_visa", recover: "worker"},
		{token: "pm_card_visa", recover: "retry"},
		{token: "pm_card_visa", opts: shipment, recover: "worker"},
		{token: "pm_card_visa", opts: shipment, recover: "retry"},
		{token: "pm_card_chargeDeclined", recover: "worker"},
		{token: "pm_card_chargeDeclined", recover: "retry"},
		{token: "pm_card_visa", recover: "worker", promo: true},
		{token: "pm_card_visa", recover: "retry", promo: true},
		{token: "pm_card_chargeDeclined", recover: "worker", promo: true},
		{token: "pm_card_chargeDeclined", recover: "retry", promo: true},
	}
	for _, cc := range cases {
		t.Run(cc.String(), func(t *testing.T) {
			w := s.world(t, cc.opts)
			ctx := context.Background()
			for at := 1; ; at++ {
				sku := fmt.Sprintf("CRASH-%02d", at)
				w.SetStock(t, sku, 10)
				cartID := w.Cart(t, Item{sku, 2})
				key := NewKey()
				in := Input(cc.token, key)
				if cc.promo {
					cc.code = fmt.Sprintf("CRASH-%02d", at)
					w.PercentCode(t, cc.code, 1000, 1)
					w.applyCode(t, cartID, cc.code)
					cc.card = w.GiftCard(t, 1000)
					in = withGiftCard(in, cc.card.Code, 500)
				}
				c := &crash{at: at}
				_, err := w.doomed(t, c, cc.opts).Checkout(ctx, cartID, in)
				if !c.died() {
					// The checkout ended before its at-th write: it has
					// been killed after each of its writes.
					require.Greater(t, at, 5, "a checkout makes more than five writes")
					t.Logf("killed after each of %d writes", at-1)
					return
				}
				require.Error(t, err, "killed at write %d (%s)", at, c.step())
				what := fmt.Sprintf("killed at write %d (%s)", at, c.step())

				// Later, in a healthy process.
				w.Clock.Advance(order.DefaultRecoverAfter + time.Second)
				switch cc.recover {
				case "worker":
					_, err := w.Orders.Recover(ctx)
					require.NoError(t, err, what)
					again, err := w.Orders.Recover(ctx)
					require.NoError(t, err, what)
					assert.Equal(t, order.RecoveryReport{}, again, "%s: one pass finishes it", what)
				case "retry":
					_, err := w.Orders.Checkout(ctx, cartID, in)
					if cc.token == "pm_card_visa" {
						require.NoError(t, err, what)
					}
				}
				w.requireSettledOutcome(t, what, key, cartID, sku, cc)
			}
		})
	}
}

// requireSettledOutcome checks a checkout ended in one of the two allowed
// ways.
func (w *World) requireSettledOutcome(t *testing.T, what, key string, cartID commerce.CartID, sku string, cc crashCase) {
	t.Helper()
	ctx := context.Background()
	onHand, reserved := w.level(t, sku)
	c, err := w.Carts.Get(ctx, cartID)
	require.NoError(t, err)
	o, err := w.Stores.Orders.GetByIdempotencyKey(ctx, key)
	if err == nil && o.Status == order.StatusConfirmed {
		assert.True(t, o.Settled, what)
		pays, err := w.Payments.GetByOrder(ctx, o.ID)
		require.NoError(t, err)
		require.Len(t, pays, 1, what)
		charges := w.Provider.ChargesFor(pays[0].ID)
		require.Len(t, charges, 1, "%s: one charge", what)
		if o.Capture == order.CaptureAtCheckout {
			card, err := o.CardAmount()
			require.NoError(t, err)
			assert.Equal(t, card, charges[0].Captured, "%s: captured once", what)
		} else {
			assert.Equal(t, payment.StatusAuthorized, pays[0].Status, what)
			assert.Zero(t, charges[0].Captured.Amount(), what)
		}
		assert.Equal(t, [2]int{8, 0}, [2]int{onHand, reserved}, "%s: stock deducted once", what)
		assert.Equal(t, cart.StatusConverted, c.Status, what)
		if cc.promo {
			assert.Equal(t, 1, w.uses(t, cc.code), "%s: the code used once", what)
			assert.Equal(t, int64(500), w.balance(t, cc.card.GiftCard.ID), "%s: the gift card debited once", what)
			assert.Equal(t, money(2250), o.Totals.Total, "%s: discounted", what)
			if o.Capture == order.CaptureAtCheckout {
				assert.Equal(t, money(1750), charges[0].Captured, "%s: the card pays the rest", what)
			}
		}
		res, err := w.Stock.Get(ctx, o.ReservationID)
		require.NoError(t, err)
		assert.Equal(t, inventory.StatusDeducted, res.Status, what)
		require.NotEqual(t, "pm_card_chargeDeclined", cc.token, "%s: a declined card confirmed an order", what)
		return
	}
	if err == nil {
		assert.Equal(t, order.StatusCancelled, o.Status, what)
		assert.True(t, o.Settled, what)
		assert.Zero(t, w.captured(t, o.ID), "%s: nothing charged", what)
		pays, err := w.Payments.GetByOrder(ctx, o.ID)
		require.NoError(t, err)
		for _, p := range pays {
			assert.NotEqual(t, payment.StatusAuthorized, p.Status, "%s: no hold left", what)
		}
	} else {
		requireCode(t, commerce.CodeNotFound, err)
	}
	assert.Equal(t, [2]int{10, 0}, [2]int{onHand, reserved}, "%s: stock as it was", what)
	assert.Equal(t, cart.StatusActive, c.Status, what)
	if cc.promo {
		assert.Equal(t, 0, w.uses(t, cc.code), "%s: the code's use given back", what)
		assert.Equal(t, int64(1000), w.balance(t, cc.card.GiftCard.ID), "%s: the gift card as it was", what)
	}
	if cc.token == "pm_card_visa" && cc.recover == "retry" {
		t.Errorf("%s: a retry with a good card must confirm", what)
	}
}

func testRecoveryLeavesFreshOrders(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)
	cartID := w.Cart(t, Item{"MUG", 1})
	c := &crash{at: 3} // dies reserving the stock's follow-up write
	_, err := w.doomed(t, c, nil).Checkout(ctx, cartID, Input("pm_card_visa", NewKey()))
	require.Error(t, err)

	// Not yet past RecoverAfter: the order may still be in a live call.
	rep, err := w.Orders.Recover(ctx)
	require.NoError(t, err)
	assert.Equal(t, order.RecoveryReport{}, rep)
	_, reserved := w.level(t, "MUG")
	assert.Equal(t, 1, reserved)

	w.Clock.Advance(order.DefaultRecoverAfter + time.Second)
	rep, err = w.Orders.Recover(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Confirmed+rep.Cancelled+rep.Discarded, "%+v", rep)
	_, reserved = w.level(t, "MUG")
	assert.Zero(t, reserved)
}

// testRecoveryRacesAStalledCheckout stalls a checkout just before it
// creates its payment, lets recovery cancel the order and release its
// stock, and then lets the checkout go on: the charge it then takes is
// given back and the order stays Cancelled.
func testRecoveryRacesAStalledCheckout(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)
	cartID := w.Cart(t, Item{"MUG", 2})
	stalled, release := make(chan struct{}), make(chan struct{})
	c := &crash{at: 1 << 30, hold: func(what string) {
		if what == "payment create" {
			close(stalled)
			<-release
		}
	}}
	done := make(chan error, 1)
	go func() {
		_, err := w.doomed(t, c, nil).Checkout(ctx, cartID, Input("pm_card_visa", "stalled-key"))
		done <- err
	}()
	<-stalled

	w.Clock.Advance(order.DefaultRecoverAfter + time.Second)
	rep, err := w.Orders.Recover(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Cancelled, "%+v", rep)
	close(release)
	err = <-done
	require.Error(t, err, "the stalled checkout learns its order was cancelled")

	o, err := w.Stores.Orders.GetByIdempotencyKey(ctx, "stalled-key")
	require.NoError(t, err)
	assert.Equal(t, order.StatusCancelled, o.Status)
	assert.True(t, o.Settled)
	assert.Zero(t, w.captured(t, o.ID), "the late charge is given back")
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{10, 0}, [2]int{onHand, reserved})
}
