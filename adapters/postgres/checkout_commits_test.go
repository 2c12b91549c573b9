package postgres_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
)

// A checkout over the order, inventory and payment stores on one pool,
// paid by a provider that captures in the authorization call, makes two
// durable commits in five round trips: the order placed with its stock
// reserved and its payment recorded, then the payment's outcome with the
// order confirmed and the stock deducted. Everything a step-by-step
// checkout records is there.
func TestCheckoutMakesTwoCommits(t *testing.T) {
	ctx := context.Background()
	var trace dbTrace
	w := ordertest.NewWorld(t, func(t testing.TB, events commerce.EventPublisher) ordertest.Stores {
		dsn := testenv.PostgresURL(t)
		pool := benchPool(t, dsn, 4, &trace)
		require.NoError(t, postgres.Migrate(ctx, pool))
		s := checkoutStores(t, pool, benchPool(t, dsn, 2, nil), events)
		s.Promotions = nil
		return s
	}, nil)
	w.SetStock(t, "MUG", 5)
	cartID := w.Cart(t, ordertest.Item{SKU: "MUG", Quantity: 2})

	commits, roundTrips := trace.Commits(), trace.RoundTrips()
	placed, err := w.Orders.Checkout(ctx, cartID, ordertest.Input("pm_card_visa", ordertest.NewKey()))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, placed.Status)
	assert.EqualValues(t, 2, trace.Commits()-commits, "durable commits")
	assert.EqualValues(t, 5, trace.RoundTrips()-roundTrips, "round trips")

	require.Len(t, placed.PaymentIDs, 1)
	p, err := w.Payments.Get(ctx, placed.PaymentIDs[0])
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, p.Status)
	assert.Equal(t, placed.Totals.Total, p.CapturedAmount)
	level, err := w.Stock.Level(ctx, "MUG", "")
	require.NoError(t, err)
	assert.Equal(t, 3, level.OnHand, "deducted")
	assert.Zero(t, level.Reserved)
	for _, name := range []string{"payment.initiated", "payment.authorized", "payment.captured", "payment.completed",
		"order.created", "order.payment_pending", "order.confirmed", "inventory.reserved", "inventory.deducted"} {
		assert.Len(t, w.Events.Await(t, name, 1), 1, name)
	}
}
