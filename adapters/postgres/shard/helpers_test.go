package shard_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/postgres/shard"
	redisadapter "github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
)

var quiet = slog.New(slog.DiscardHandler)

// registerAll registers the events of every store the router serves.
func registerAll(r *commerce.EventRegistry) {
	customer.RegisterEvents(r)
	order.RegisterEvents(r)
	inventory.RegisterEvents(r)
	payment.RegisterEvents(r)
}

// outboxTo returns a transactional outbox on pool, relayed until the test
// ends to an in-process bus whose subscribers hand every event to pub:
// each shard has its own outbox table and relay, as in production.
func outboxTo(t testing.TB, pool *pgxpool.Pool, pub commerce.EventPublisher) postgres.Outbox {
	t.Helper()
	ctx := context.Background()
	registry := commerce.NewEventRegistry()
	registerAll(registry)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Registry: registry, Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	for _, name := range registry.Names() {
		require.NoError(t, bus.Subscribe("suite", name, func(ctx context.Context, env commerce.Envelope) error {
			return pub.Publish(ctx, env)
		}))
	}
	require.NoError(t, bus.Start(ctx))
	opts := &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 5 * time.Millisecond}}
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, opts)
	require.NoError(t, err)
	relay, err := pgbus.NewRelay(pool, bus, opts)
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	return outbox
}

// names returns n shard names.
func names(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("s%d", i)
	}
	return out
}

// newPools returns n pools, each on its own fresh schema of the local
// PostgreSQL (testenv isolates tests by schema; a schema per shard is a
// database per shard as far as the router can tell), migrated.
func newPools(t testing.TB, n int) []*pgxpool.Pool {
	t.Helper()
	pools := make([]*pgxpool.Pool, n)
	for i := range pools {
		pools[i] = testenv.Postgres(t)
	}
	require.NoError(t, shard.Migrate(context.Background(), pools))
	return pools
}

// newRouter returns a router over n fresh shards whose committed events
// reach events (nil drops them).
func newRouter(t testing.TB, n int, events commerce.EventPublisher) *shard.Router {
	t.Helper()
	return routerOn(t, newPools(t, n), events)
}

// routerOn returns a router over pools with the modulo map.
func routerOn(t testing.TB, pools []*pgxpool.Pool, events commerce.EventPublisher) *shard.Router {
	t.Helper()
	r, _ := routerWithOutboxes(t, pools, events)
	return r
}

// routerWithOutboxes is routerOn that also returns the shards' outboxes.
func routerWithOutboxes(t testing.TB, pools []*pgxpool.Pool, events commerce.EventPublisher) (*shard.Router, []postgres.Outbox) {
	t.Helper()
	m, err := shard.NewMap(names(len(pools))...)
	require.NoError(t, err)
	shards := make([]shard.Shard, len(pools))
	for i, p := range pools {
		shards[i] = shard.Shard{Pool: p, Outbox: postgres.Outbox(postgres.DiscardEvents{})}
		if events != nil {
			shards[i].Outbox = outboxTo(t, p, events)
		}
	}
	r, err := shard.New(m, shards, &shard.Options{Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(r.Close)
	outboxes := make([]postgres.Outbox, len(shards))
	for i, s := range shards {
		outboxes[i] = s.Outbox
	}
	return r, outboxes
}

// checkoutStores returns, over n fresh shards, the router's order and
// payment stores, PostgreSQL inventory and promotion stores and a Redis
// cart store.
// Stock is not customer data and is not sharded: it lives in shard 0's
// database and writes to its outbox, so with one shard every event of a
// checkout comes through one relay in commit order, as the suite's event
// checks expect of a single database.
func checkoutStores(t testing.TB, n int, events commerce.EventPublisher) (*shard.Router, ordertest.Stores) {
	t.Helper()
	pools := newPools(t, n)
	r, outboxes := routerWithOutboxes(t, pools, events)
	stock, err := postgres.NewInventoryStore(pools[0], &postgres.Options{Outbox: outboxes[0]})
	require.NoError(t, err)
	// Promotions are not customer data either: shard 0 keeps them.
	promos, err := postgres.NewPromotionStore(pools[0], &postgres.Options{Outbox: outboxes[0]})
	require.NoError(t, err)
	return r, ordertest.Stores{Orders: r.Orders(), Payments: r.Payments(), Inventory: stock, Carts: redisCarts(t, events), Promotions: promos}
}

// redisCarts returns a Redis cart store under the test's own prefix, its
// outbox relayed to events until the test ends.
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
