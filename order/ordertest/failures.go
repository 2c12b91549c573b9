package ordertest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
)

// nothingHappened checks a failed checkout left no order under key, no
// charge at the provider and the stock of skus as it was.
func (w *World) nothingHappened(t *testing.T, key string, cartID commerce.CartID, stock map[string]int) {
	t.Helper()
	ctx := context.Background()
	_, err := w.Stores.Orders.GetByIdempotencyKey(ctx, key)
	requireCode(t, commerce.CodeNotFound, err)
	assert.Empty(t, w.Provider.Charges(), "nothing may be charged")
	for sku, want := range stock {
		onHand, reserved := w.level(t, sku)
		assert.Equal(t, [2]int{want, 0}, [2]int{onHand, reserved}, "stock of %s", sku)
	}
	if !cartID.IsZero() {
		c, err := w.Carts.Get(ctx, cartID)
		require.NoError(t, err)
		assert.Equal(t, cart.StatusActive, c.Status)
	}
}

func testOutOfStock(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	w.SetStock(t, "TEE", 1)
	cartID := w.Cart(t, Item{"MUG", 2}, Item{"TEE", 2})
	key := NewKey()

	_, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", key))
	requireCode(t, commerce.CodeOutOfStock, err)
	var short *inventory.OutOfStockError
	require.True(t, errors.As(err, &short), "an *inventory.OutOfStockError names the short SKUs: %v", err)
	require.Len(t, short.Shortages, 1)
	assert.Equal(t, "TEE", short.Shortages[0].SKU)
	w.nothingHappened(t, key, cartID, map[string]int{"MUG": 5, "TEE": 1})

	created := w.Events.Await(t, "order.created", 1)
	discarded := w.Events.Await(t, "order.discarded", 1)
	assert.Equal(t, created[0].AggregateID, discarded[0].AggregateID)
	assert.Empty(t, w.Events.Named("order.payment_pending"))

	// Once stock arrives, the same key tries again and succeeds.
	w.SetStock(t, "TEE", 2)
	o, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", key))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
}

func testPaymentDeclined(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	cartID := w.Cart(t, Item{"MUG", 2})
	key := NewKey()

	o, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_chargeDeclinedInsufficientFunds", key))
	requireCode(t, commerce.CodePaymentDeclined, err)
	var ce *commerce.Error
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "insufficient_funds", ce.Details["decline_code"])
	assert.Equal(t, "Your card has insufficient funds.", ce.Details["reason"])
	assert.Equal(t, order.StatusCancelled, o.Status)
	assert.True(t, o.Settled)
	assert.Equal(t, "insufficient_funds", o.FailureCode)

	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{5, 0}, [2]int{onHand, reserved}, "the reservation is released")
	res, err := w.Stock.Get(ctx, o.ReservationID)
	require.NoError(t, err)
	assert.Equal(t, inventory.StatusReleased, res.Status)
	assert.Zero(t, w.captured(t, o.ID))
	c, err := w.Carts.Get(ctx, cartID)
	require.NoError(t, err)
	assert.Equal(t, cart.StatusActive, c.Status, "the cart can be checked out again")

	cancelled := w.Events.Await(t, "order.cancelled", 1)
	ev := cancelled[0].Payload.(order.Cancelled)
	assert.Equal(t, order.StatusPaymentPending, ev.From)
	assert.True(t, ev.Refund.IsZero())

	// The same key answers the same way, without another attempt.
	again, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_chargeDeclinedInsufficientFunds", key))
	requireCode(t, commerce.CodePaymentDeclined, err)
	assert.Equal(t, o.ID, again.ID)
	assert.Equal(t, 1, w.Provider.Calls("authorize"))

	// Another card under a new key buys the cart.
	paid, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, paid.Status)
	assert.NotEqual(t, o.ID, paid.ID)
	onHand, reserved = w.level(t, "MUG")
	assert.Equal(t, [2]int{3, 0}, [2]int{onHand, reserved})
}

func testBadInput(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	cartID := w.Cart(t, Item{"MUG", 1})
	good := Input("pm_card_visa", NewKey())
	badAddress := good.ShippingAddress
	badAddress.Country = "Narnia"
	cases := []struct {
		name  string
		cart  commerce.CartID
		edit  func(*order.CheckoutInput)
		field string
	}{
		{"no email", cartID, func(in *order.CheckoutInput) { in.Email = "" }, "email"},
		{"bad email", cartID, func(in *order.CheckoutInput) { in.Email = "ada at example" }, "email"},
		{"no address", cartID, func(in *order.CheckoutInput) { in.ShippingAddress = commerce.Address{} }, "shipping_address"},
		{"bad country", cartID, func(in *order.CheckoutInput) { in.ShippingAddress = badAddress }, "shipping_address"},
		{"bad billing", cartID, func(in *order.CheckoutInput) { in.BillingAddress = &commerce.Address{Name: "x"} }, "billing_address"},
		{"no payment method", cartID, func(in *order.CheckoutInput) { in.PaymentMethod = "" }, "payment_method"},
		{"huge payment method", cartID, func(in *order.CheckoutInput) { in.PaymentMethod = strings.Repeat("p", 300) }, "payment_method"},
		{"malformed customer", cartID, func(in *order.CheckoutInput) { in.CustomerID = "cus_nope" }, "customer_id"},
		{"no key", cartID, func(in *order.CheckoutInput) { in.IdempotencyKey = "" }, "idempotency_key"},
		{"key with space", cartID, func(in *order.CheckoutInput) { in.IdempotencyKey = "a b" }, "idempotency_key"},
		{"long key", cartID, func(in *order.CheckoutInput) { in.IdempotencyKey = strings.Repeat("k", 151) }, "idempotency_key"},
		{"no cart", "", func(*order.CheckoutInput) {}, "cart_id"},
		{"malformed cart", "cart_nope", func(*order.CheckoutInput) {}, "cart_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			tc.edit(&in)
			_, err := w.Orders.Checkout(ctx, tc.cart, in)
			requireCode(t, commerce.CodeInvalidArgument, err)
			var ce *commerce.Error
			require.True(t, errors.As(err, &ce))
			assert.Equal(t, tc.field, ce.Details["field"])
		})
	}
	w.nothingHappened(t, good.IdempotencyKey, cartID, map[string]int{"MUG": 5})
	assert.Empty(t, w.Events.Named("order.created"))

	_, err := w.Orders.Checkout(ctx, commerce.NewID[commerce.CartID](), good)
	requireCode(t, commerce.CodeNotFound, err)
	_, err = w.Orders.Get(ctx, "ord_bogus")
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = w.Orders.Get(ctx, commerce.NewID[commerce.OrderID]())
	requireCode(t, commerce.CodeNotFound, err)
}

func testUnbuyableCarts(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)

	empty := w.Cart(t)
	_, err := w.Orders.Checkout(ctx, empty, Input("pm_card_visa", NewKey()))
	requireCode(t, commerce.CodeFailedPrecondition, err)

	cartID := w.Cart(t, Item{"MUG", 2})
	in := Input("pm_card_visa", NewKey())
	wrong := money(100)
	in.ExpectedTotal = &wrong
	_, err = w.Orders.Checkout(ctx, cartID, in)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	var ce *commerce.Error
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, money(2*defaultPrice).String(), ce.Details["total"])
	w.nothingHappened(t, in.IdempotencyKey, cartID, map[string]int{"MUG": 5})

	right := money(2 * defaultPrice)
	in.ExpectedTotal = &right
	o, err := w.Orders.Checkout(ctx, cartID, in)
	require.NoError(t, err)

	// A converted cart cannot be checked out again, under any key.
	_, err = w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", NewKey()))
	requireCode(t, commerce.CodeFailedPrecondition, err)
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, o.ID.String(), ce.Details["order_id"])
	assert.Len(t, w.Provider.Charges(), 1)
}

func testTotals(t *testing.T, s suite) {
	w := s.world(t, &order.Options{
		Shipping: order.FlatShipping{Rates: map[commerce.Currency]int64{usd: 495}, FreeOver: map[commerce.Currency]int64{usd: 10000}},
		Tax:      order.PercentTax{BasisPoints: 1000},
	})
	ctx := context.Background()
	w.SetStock(t, "MUG", 100)
	o, err := w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 2}), Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, order.Totals{
		Subtotal: money(2500), Discount: money(0), Shipping: money(495), Tax: money(300), Total: money(3295),
	}, o.Totals, "10%% tax on 25.00 + 4.95, rounded half to even")
	assert.Equal(t, int64(3295), w.captured(t, o.ID))

	big, err := w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 8}), Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, money(0), big.Totals.Shipping, "free shipping from 100.00")
	assert.Equal(t, money(11000), big.Totals.Total)
}
