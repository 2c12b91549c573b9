package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	redisadapter "github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
)

// registerCheckoutEvents registers the events of every Postgres store a
// checkout writes.
func registerCheckoutEvents(r *commerce.EventRegistry) {
	order.RegisterEvents(r)
	inventory.RegisterEvents(r)
	payment.RegisterEvents(r)
}

// checkoutStores returns the order, inventory and payment stores on pool,
// writing to one outbox whose events reach events, and a Redis cart store
// under the test's own prefix whose relay also publishes to events.
func checkoutStores(t testing.TB, pool, relayPool *pgxpool.Pool, events commerce.EventPublisher) ordertest.Stores {
	t.Helper()
	opts := &postgres.Options{Outbox: outboxTo(t, relayPool, events, registerCheckoutEvents)}
	stock, err := postgres.NewInventoryStore(pool, opts)
	require.NoError(t, err)
	orders, err := postgres.NewOrderStore(pool, opts)
	require.NoError(t, err)
	payments, err := postgres.NewPaymentStore(pool, opts)
	require.NoError(t, err)
	promos, err := postgres.NewPromotionStore(pool, opts)
	require.NoError(t, err)
	return ordertest.Stores{
		Orders:     orders,
		Inventory:  stock,
		Payments:   payments,
		Carts:      redisCarts(t, events),
		Promotions: promos,
		Units:      orders,
	}
}

// redisCarts returns a real Redis cart store under the test's own key
// prefix, its outbox relayed to events until the test ends.
func redisCarts(t testing.TB, events commerce.EventPublisher) *redisadapter.CartStore {
	t.Helper()
	env := testenv.Redis(t)
	carts, err := redisadapter.NewCartStore(env.Client, &redisadapter.CartOptions{Prefix: env.Prefix})
	require.NoError(t, err)
	relay, err := carts.NewOutboxRelay(events, &redisadapter.RelayOptions{
		Block: 50 * time.Millisecond, RetryDelay: time.Millisecond, Logger: quiet,
	})
	require.NoError(t, err)
	require.NoError(t, relay.Start(context.Background()))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	return carts
}

func TestOrderStore(t *testing.T) {
	ordertest.Run(t, func(t testing.TB, events commerce.EventPublisher) ordertest.Stores {
		pool := newPool(t)
		return checkoutStores(t, pool, pool, events)
	})
}

// pendingOrder is a valid Pending order of cartID under key, as a
// checkout creates it.
func pendingOrder(cartID commerce.CartID, key string) order.Order {
	usd := commerce.Currency("USD")
	now := time.Now().UTC().Truncate(time.Microsecond)
	price := commerce.MustMoney(1250, usd)
	zero := commerce.Zero(usd)
	addr := commerce.Address{Name: "Ada Lovelace", Line1: "12 St James's Square", City: "London", PostalCode: "SW1Y 4JH", Country: "GB"}
	return order.Order{
		ID: commerce.NewID[commerce.OrderID](), Email: "ada@example.com", CartID: cartID, Currency: usd,
		Lines:           []order.Line{{SKU: "MUG", Title: "Mug", Quantity: 1, UnitPrice: price, Total: price}},
		Totals:          order.Totals{Subtotal: price, Discount: zero, Shipping: zero, Tax: zero, Total: price},
		ShippingAddress: addr, BillingAddress: addr, Status: order.StatusPending,
		ReservationID: commerce.NewID[commerce.ReservationID](), PaymentMethod: "pm_card_visa",
		Capture: order.CaptureAtCheckout, IdempotencyKey: key, CreatedAt: now, UpdatedAt: now, Version: 1,
		History: []order.Transition{{To: order.StatusPending, Actor: order.ActorSystem, Reason: "checkout", At: now}},
	}
}

func noEvents(order.Order) []commerce.Envelope { return nil }

// Racing creates for one cart under different keys: the partial unique
// index lets exactly one in; the others are Conflict naming the winner.
// Once the winner is cancelled the cart may be checked out again.
func TestOrderStoreCreateRaceForOneCart(t *testing.T) {
	store, err := postgres.NewOrderStore(newPool(t), &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	ctx := context.Background()
	cartID := commerce.NewID[commerce.CartID]()
	const n = 8
	type result struct {
		o       order.Order
		created bool
		err     error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			o, created, err := store.Create(ctx, pendingOrder(cartID, ordertest.NewKey()), noEvents)
			results[i] = result{o, created, err}
		})
	}
	close(start)
	wg.Wait()
	var winner order.Order
	for _, r := range results {
		if r.err == nil {
			require.True(t, r.created)
			require.Empty(t, winner.ID, "two orders created for one cart")
			winner = r.o
		}
	}
	require.NotEmpty(t, winner.ID, "no order created")
	for _, r := range results {
		if r.err != nil {
			require.Equal(t, commerce.CodeConflict, commerce.Code(r.err), "error: %v", r.err)
			var ce *commerce.Error
			require.True(t, errors.As(r.err, &ce))
			assert.Equal(t, winner.ID.String(), ce.Details["order_id"])
			assert.Equal(t, cartID.String(), ce.Details["cart_id"])
		}
	}

	_, err = store.Update(ctx, winner.ID, func(o *order.Order) ([]commerce.Envelope, error) {
		o.Status = order.StatusCancelled
		return nil, nil
	})
	require.NoError(t, err)
	again, created, err := store.Create(ctx, pendingOrder(cartID, ordertest.NewKey()), noEvents)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Greater(t, again.Number, winner.Number)
}

// Racing creates with one key return one order: one call creates it,
// every other returns it with created false.
func TestOrderStoreCreateRaceForOneKey(t *testing.T) {
	store, err := postgres.NewOrderStore(newPool(t), &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	ctx := context.Background()
	cartID, key := commerce.NewID[commerce.CartID](), ordertest.NewKey()
	const n = 8
	orders := make([]order.Order, n)
	created := make([]bool, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			orders[i], created[i], errs[i] = store.Create(ctx, pendingOrder(cartID, key), noEvents)
		})
	}
	close(start)
	wg.Wait()
	winners := 0
	for i := range n {
		require.NoError(t, errs[i])
		if created[i] {
			winners++
		}
		assert.Equal(t, orders[0], orders[i])
	}
	assert.Equal(t, 1, winners)
	got, err := store.Get(ctx, orders[0].ID)
	require.NoError(t, err)
	assert.Equal(t, orders[0], got)
}

// Concurrent updates of one order are serialised, and each sees the
// history the one before it committed: none is lost or written twice.
func TestOrderStoreUpdatesSeeCommittedHistory(t *testing.T) {
	store, err := postgres.NewOrderStore(newPool(t), &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	ctx := context.Background()
	o, _, err := store.Create(ctx, pendingOrder(commerce.NewID[commerce.CartID](), ordertest.NewKey()), noEvents)
	require.NoError(t, err)
	const n = 16
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			_, errs[i] = store.Update(ctx, o.ID, func(o *order.Order) ([]commerce.Envelope, error) {
				o.History = append(o.History, order.Transition{From: o.Status, To: o.Status, Actor: order.ActorAdmin,
					Reason: "note", At: time.Now()})
				o.UpdatedAt = time.Now()
				return nil, nil
			})
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	got, err := store.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, int64(1+n), got.Version)
	assert.Len(t, got.History, 1+n)
}

// A closure's error comes back as it is and nothing is written.
func TestOrderStoreUpdateClosureError(t *testing.T) {
	store, err := postgres.NewOrderStore(newPool(t), &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	ctx := context.Background()
	o, _, err := store.Create(ctx, pendingOrder(commerce.NewID[commerce.CartID](), ordertest.NewKey()), noEvents)
	require.NoError(t, err)
	stop := errors.New("stop")
	_, err = store.Update(ctx, o.ID, func(o *order.Order) ([]commerce.Envelope, error) {
		o.Status = order.StatusPaymentPending
		return nil, stop
	})
	require.Equal(t, stop, err)
	err = store.Discard(ctx, o.ID, func(order.Order) ([]commerce.Envelope, error) { return nil, stop })
	require.Equal(t, stop, err)
	got, err := store.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, o, got)
}
