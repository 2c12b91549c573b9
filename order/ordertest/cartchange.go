package ordertest

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// duringAuthorize is the World's provider with a hook run once, inside
// the first Authorize, before the provider answers: what a customer does
// while their payment is being taken.
type duringAuthorize struct {
	*fakeprovider.Provider
	once sync.Once
	hook func(ctx context.Context)
}

func (d *duringAuthorize) Authorize(ctx context.Context, req payment.AuthorizeRequest) (payment.ProviderResult, error) {
	d.once.Do(func() { d.hook(ctx) })
	return d.Provider.Authorize(ctx, req)
}

// testCartChangedWhilePaying: a line added to the cart while its checkout
// is being paid is not lost. The order completes with what it priced;
// the cart stays active with the new line and can be checked out again.
func testCartChangedWhilePaying(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	w.SetStock(t, "TEE", 5)
	cartID := w.Cart(t, Item{"MUG", 1})
	priced, err := w.Carts.Get(ctx, cartID)
	require.NoError(t, err)

	var addErr error
	provider := &duringAuthorize{Provider: w.Provider, hook: func(ctx context.Context) {
		_, addErr = w.Carts.AddItem(ctx, cartID, cart.AddItemInput{SKU: "TEE", Quantity: 1})
	}}
	payments, err := payment.NewService(w.Stores.Payments, provider, &payment.Options{
		Clock: w.Clock, Logger: slog.New(slog.DiscardHandler), InFlightPoll: time.Millisecond,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	require.NoError(t, err)
	orders := w.newOrderService(t, w.Stores.Orders, w.Carts, w.Stock, payments,
		&order.Options{Clock: w.Clock, Logger: slog.New(slog.DiscardHandler)})

	o, err := orders.Checkout(ctx, cartID, Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	require.NoError(t, addErr, "the cart took the line while the payment was under way")
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, priced.Version, o.CartVersion, "the order records the cart version it priced")
	require.Len(t, o.Lines, 1)
	assert.Equal(t, "MUG", o.Lines[0].SKU, "the order is what it priced")
	assert.Equal(t, int64(defaultPrice), w.captured(t, o.ID))
	stored, err := w.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, o, stored)

	c, err := w.Carts.Get(ctx, cartID)
	require.NoError(t, err)
	assert.Equal(t, cart.StatusActive, c.Status, "the changed cart stays active")
	skus := map[string]int{}
	for _, l := range c.Lines {
		skus[l.SKU] = l.Quantity
	}
	assert.Equal(t, map[string]int{"MUG": 1, "TEE": 1}, skus, "with the line added during payment")

	// The cart as it is now is a new checkout of its own.
	again, err := w.Orders.Checkout(ctx, cartID, Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, again.Status)
	assert.Len(t, again.Lines, 2)
	c, err = w.Carts.Get(ctx, cartID)
	require.NoError(t, err)
	assert.Equal(t, cart.StatusConverted, c.Status)
	assert.Equal(t, again.ID, c.ConvertedOrderID)
}
