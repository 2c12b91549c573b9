package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/order/ordertest"
)

// benchPoolConns is the size of the stores' pool in BenchmarkCheckout:
// enough for 16 buyers to hold one connection each.
const benchPoolConns = 20

// BenchmarkCheckout measures a full checkout (ordertest.BenchCheckout)
// with orders, inventory and payments in PostgreSQL and carts in Redis,
// and reports the SQL round trips and durable commits per checkout (see
// dbTrace for what counts). The outbox relay reads through a pool of its
// own, so its polling is not counted.
func BenchmarkCheckout(b *testing.B) { benchCheckout(b, true, false) }

// BenchmarkCheckoutWithCode is BenchmarkCheckout with a promotion code in
// every cart, its redemption reserved and committed in PostgreSQL too.
func BenchmarkCheckoutWithCode(b *testing.B) { benchCheckout(b, true, true) }

// BenchmarkCheckoutWithoutPromotions is BenchmarkCheckout for a host that
// wires no promotions at all.
func BenchmarkCheckoutWithoutPromotions(b *testing.B) { benchCheckout(b, false, false) }

func benchCheckout(b *testing.B, promotions, code bool) {
	var trace dbTrace
	ordertest.BenchCheckout(b, func(t testing.TB, events commerce.EventPublisher) ordertest.Stores {
		dsn := testenv.PostgresURL(t)
		pool := benchPool(t, dsn, benchPoolConns, &trace)
		relayPool := benchPool(t, dsn, 4, nil)
		if err := postgres.Migrate(context.Background(), pool); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		s := checkoutStores(t, pool, relayPool, events)
		if !promotions {
			s.Promotions = nil
		}
		return s
	}, &ordertest.BenchOptions{RoundTrips: trace.RoundTrips, Commits: trace.Commits, Code: code})
}

// benchPool opens a pool of at most conns connections on dsn, traced by
// trace when that is not nil.
func benchPool(t testing.TB, dsn string, conns int32, trace *dbTrace) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = conns
	if trace != nil {
		cfg.ConnConfig.Tracer = trace
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
