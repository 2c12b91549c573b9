package ordertest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// Run runs the suite against the stores newStores returns, the order
// service reaching the carts, the stock and the payments in process.
func Run(t *testing.T, newStores NewStores) {
	RunWith(t, newStores, Options{})
}

// RunWith runs the suite against the stores newStores returns, as Run,
// with opts: through Options.Ports, the order services the suite builds
// reach the carts, the stock and the payments through the caller's ports
// (network clients, for example), so the same suite proves them.
func RunWith(t *testing.T, newStores NewStores, opts Options) {
	s := suite{newStores: newStores, opts: opts}
	t.Run("Checkout", func(t *testing.T) { testCheckout(t, s) })
	t.Run("OutOfStock", func(t *testing.T) { testOutOfStock(t, s) })
	t.Run("PaymentDeclined", func(t *testing.T) { testPaymentDeclined(t, s) })
	t.Run("BadInput", func(t *testing.T) { testBadInput(t, s) })
	t.Run("Buyer", func(t *testing.T) { testBuyer(t, s) })
	t.Run("UnbuyableCarts", func(t *testing.T) { testUnbuyableCarts(t, s) })
	t.Run("Totals", func(t *testing.T) { testTotals(t, s) })
	t.Run("IdempotentConcurrentCheckout", func(t *testing.T) { testIdempotentConcurrentCheckout(t, s) })
	t.Run("OneCartManyKeys", func(t *testing.T) { testOneCartManyKeys(t, s) })
	t.Run("CartChangedWhilePaying", func(t *testing.T) { testCartChangedWhilePaying(t, s) })
	t.Run("LastUnitRace", func(t *testing.T) { testLastUnitRace(t, s) })
	t.Run("ManyBuyersFewUnits", func(t *testing.T) { testManyBuyersFewUnits(t, s) })
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, s) })
	t.Run("Cancel", func(t *testing.T) { testCancel(t, s) })
	t.Run("ExternalRefund", func(t *testing.T) { testExternalRefund(t, s) })
	t.Run("PartialReturns", func(t *testing.T) { testPartialReturns(t, s) })
	t.Run("ReturnsSumToFullRefund", func(t *testing.T) { testReturnsSumToFullRefund(t, s) })
	t.Run("CaptureAtShipment", func(t *testing.T) { testCaptureAtShipment(t, s) })
	t.Run("List", func(t *testing.T) { testList(t, s) })
	t.Run("CrashRecovery", func(t *testing.T) { testCrashRecovery(t, s) })
	t.Run("RecoveryLeavesFreshOrders", func(t *testing.T) { testRecoveryLeavesFreshOrders(t, s) })
	t.Run("RecoveryRacesAStalledCheckout", func(t *testing.T) { testRecoveryRacesAStalledCheckout(t, s) })
	t.Run("PromotionCheckout", func(t *testing.T) { testPromotionCheckout(t, s) })
	t.Run("GiftCardPaysAll", func(t *testing.T) { testGiftCardPaysAll(t, s) })
	t.Run("FreeShippingAndTax", func(t *testing.T) { testFreeShippingAndTax(t, s) })
	t.Run("DiscountedReturn", func(t *testing.T) { testDiscountedReturn(t, s) })
	t.Run("PromotionBadInput", func(t *testing.T) { testPromotionBadInput(t, s) })
	t.Run("CodeLimitRace", func(t *testing.T) { testCodeLimitRace(t, s) })
	t.Run("GiftCardRace", func(t *testing.T) { testGiftCardRace(t, s) })
	t.Run("Untracked", func(t *testing.T) {
		// An inventory that sells SKUs without a level: their lines check
		// out and settle, and stocked SKUs behave as they always do.
		u := s.untracked()
		t.Run("Lines", func(t *testing.T) { testUntrackedLines(t, u) })
		t.Run("Checkout", func(t *testing.T) { testCheckout(t, u) })
		t.Run("OutOfStock", func(t *testing.T) { testOutOfStock(t, u) })
		t.Run("PaymentDeclined", func(t *testing.T) { testPaymentDeclined(t, u) })
		t.Run("Cancel", func(t *testing.T) { testCancel(t, u) })
		t.Run("LastUnitRace", func(t *testing.T) { testLastUnitRace(t, u) })
	})
	t.Run("WithoutPromotions", func(t *testing.T) {
		// A host that wires no promotions checks out as it always did.
		testCheckout(t, suite{opts: opts, newStores: func(t testing.TB, events commerce.EventPublisher) Stores {
			s := newStores(t, events)
			s.Promotions = nil
			return s
		}})
	})
}

func requireCode(t testing.TB, want commerce.ErrorCode, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, want, commerce.Code(err), "error: %v", err)
}

// level returns sku's on-hand and reserved units.
func (w *World) level(t testing.TB, sku string) (onHand, reserved int) {
	t.Helper()
	l, err := w.Stock.Level(context.Background(), sku, "")
	require.NoError(t, err)
	return l.OnHand, l.Reserved
}

// captured sums what the provider holds for an order: captured minus
// refunded, over every payment of the order.
func (w *World) captured(t testing.TB, id commerce.OrderID) int64 {
	t.Helper()
	pays, err := w.Payments.GetByOrder(context.Background(), id)
	require.NoError(t, err)
	var sum int64
	for _, p := range pays {
		for _, c := range w.Provider.ChargesFor(p.ID) {
			sum += c.Captured.Amount() - c.Refunded.Amount()
		}
	}
	return sum
}

func testCheckout(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	w.SetStock(t, "TEE", 3)
	cartID := w.Cart(t, Item{"MUG", 2}, Item{"TEE", 1})

	o, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.True(t, o.Settled)
	assert.Positive(t, o.Number)
	assert.Equal(t, "ada@example.com", o.Email)
	require.Len(t, o.Lines, 2)
	assert.Equal(t, money(3*defaultPrice), o.Totals.Subtotal)
	assert.Equal(t, money(3*defaultPrice), o.Totals.Total)
	require.Len(t, o.PaymentIDs, 1)
	var history []order.Status
	for _, h := range o.History {
		history = append(history, h.To)
	}
	assert.Equal(t, []order.Status{order.StatusPending, order.StatusPaymentPending, order.StatusConfirmed}, history)

	p, err := w.Payments.Get(ctx, o.PaymentIDs[0])
	require.NoError(t, err)
	assert.Contains(t, []payment.Status{payment.StatusCaptured, payment.StatusCompleted}, p.Status)
	assert.Equal(t, int64(3*defaultPrice), w.captured(t, o.ID))

	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{3, 0}, [2]int{onHand, reserved})
	res, err := w.Stock.Get(ctx, o.ReservationID)
	require.NoError(t, err)
	assert.Equal(t, inventory.StatusDeducted, res.Status)

	c, err := w.Carts.Get(ctx, cartID)
	require.NoError(t, err)
	assert.Equal(t, cart.StatusConverted, c.Status)
	assert.Equal(t, o.ID, c.ConvertedOrderID)

	got, err := w.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, o, got)

	w.Events.Await(t, "order.created", 1)
	w.Events.Await(t, "order.payment_pending", 1)
	confirmed := w.Events.Await(t, "order.confirmed", 1)
	ev, ok := confirmed[0].Payload.(order.Confirmed)
	require.True(t, ok, "payload %T", confirmed[0].Payload)
	assert.Equal(t, o.ID, ev.Order.ID)
	assert.Equal(t, o.Number, ev.Order.Number)
	assert.Equal(t, o.Totals.Total, ev.Order.Totals.Total)
}
