package shard_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
)

// switchablePool returns a pool on a fresh, migrated schema that can be
// taken down: while down is set, every new connection goes to a port
// nothing listens on, so the database refuses connections as a crashed
// server would. Taking it down also drops the pool's open connections.
func switchablePool(t testing.TB, down *atomic.Bool) *pgxpool.Pool {
	t.Helper()
	url := testenv.PostgresURL(t)
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	closed := testenv.ClosedAddr(t)
	var host, port string
	for i := len(closed) - 1; i >= 0; i-- {
		if closed[i] == ':' {
			host, port = closed[:i], closed[i+1:]
			break
		}
	}
	var p uint16
	_, err = fmt.Sscan(port, &p)
	require.NoError(t, err)
	cfg.ConnConfig.ConnectTimeout = 2 * time.Second
	cfg.BeforeConnect = func(_ context.Context, cc *pgx.ConnConfig) error {
		if down.Load() {
			cc.Host, cc.Port, cc.Fallbacks = host, p, nil
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// shop is a whole shop over a router: the ordertest World with order and
// payment services that mint bucket-carrying IDs.
type shop struct {
	*ordertest.World
	router *shard.Router
}

// newShop builds a shop over pools, with sku in stock.
func newShop(t testing.TB, pools []*pgxpool.Pool, stock int) *shop {
	t.Helper()
	s := &shop{}
	events := commercetest.NewRecorder()
	s.World = ordertest.NewWorld(t, func(t testing.TB, _ commerce.EventPublisher) ordertest.Stores {
		s.router = routerOn(t, pools, events)
		stockPool := testenv.Postgres(t)
		require.NoError(t, postgres.Migrate(context.Background(), stockPool))
		inv, err := postgres.NewInventoryStore(stockPool, &postgres.Options{Outbox: postgres.DiscardEvents{}})
		require.NoError(t, err)
		return ordertest.Stores{Orders: s.router.Orders(), Payments: s.router.Payments(), Inventory: inv, Carts: redisCarts(t, events)}
	}, nil)
	var err error
	s.Payments, err = payment.NewService(s.Stores.Payments, s.Provider, &payment.Options{
		Clock: s.Clock, Logger: slog.New(slog.DiscardHandler), InFlightPoll: time.Millisecond, IDs: shard.IDs{},
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	require.NoError(t, err)
	s.Orders = s.OrderService(t, &order.Options{IDs: shard.IDs{}})
	s.SetStock(t, "MUG", stock)
	return s
}

// buyerOn returns a customer ID, minted as the customer service would for
// an e-mail, whose bucket is on shard i.
func (s *shop) buyerOn(t testing.TB, i int, n int) commerce.CustomerID {
	t.Helper()
	for k := 0; ; k++ {
		c := shard.IDs{}.NewCustomerID(fmt.Sprintf("buyer-%d-%d-%d@example.com", i, n, k))
		b, err := shard.BucketOf(c, "id")
		require.NoError(t, err)
		if s.router.ShardOf(b) == i {
			return c
		}
	}
}

// checkout buys one mug for buyer under a key that lives with the buyer.
func (s *shop) checkout(ctx context.Context, t testing.TB, buyer commerce.CustomerID, n int) (order.Order, error) {
	in := ordertest.Input("pm_card_visa", fmt.Sprintf("checkout-%s-%d", buyer, n))
	in.CustomerID = buyer
	return s.Orders.Checkout(ctx, s.Cart(t, ordertest.Item{SKU: "MUG", Quantity: 1}), in)
}

// A shard whose database refuses connections fails its own customers'
// checkouts with Unavailable; the customers of the other shards keep
// checking out, and its customers recover with it.
func TestShardDownFailsOnlyItsCustomers(t *testing.T) {
	var down atomic.Bool
	pools := newPools(t, 3)
	bad := switchablePool(t, &down)
	require.NoError(t, shard.Migrate(context.Background(), []*pgxpool.Pool{bad}))
	pools = append(pools, bad)
	s := newShop(t, pools, 100)
	ctx := context.Background()

	buyers := make([]commerce.CustomerID, 4)
	for i := range buyers {
		buyers[i] = s.buyerOn(t, i, 0)
		o, err := s.checkout(ctx, t, buyers[i], 0)
		require.NoError(t, err, "shard %d before the outage", i)
		require.Equal(t, order.StatusConfirmed, o.Status)
	}

	down.Store(true)
	bad.Reset()
	for i, buyer := range buyers {
		o, err := s.checkout(ctx, t, buyer, 1)
		if i == 3 {
			require.Error(t, err)
			require.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "%v", err)
			continue
		}
		require.NoError(t, err, "shard %d during the outage", i)
		require.Equal(t, order.StatusConfirmed, o.Status)
		got, err := s.Orders.Get(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, o.ID, got.ID)
		mine, err := s.Orders.List(ctx, order.ListFilter{CustomerID: buyer}, commerce.PageRequest{})
		require.NoError(t, err)
		require.Len(t, mine.Items, 2)
	}
	_, err := s.Orders.List(ctx, order.ListFilter{CustomerID: buyers[3]}, commerce.PageRequest{})
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	_, err = s.Orders.List(ctx, order.ListFilter{}, commerce.PageRequest{})
	require.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "an admin list with a hole would not be exact")
	late, err := s.router.Orders().Unsettled(ctx, time.Now().Add(time.Hour), 10)
	require.NoError(t, err, "recovery goes on for the healthy shards")
	require.Empty(t, late)

	down.Store(false)
	o, err := s.checkout(ctx, t, buyers[3], 2)
	require.NoError(t, err, "the shard's customers check out again once it is back")
	require.Equal(t, order.StatusConfirmed, o.Status)
}

// Bad input never reaches a wrong shard: a malformed ID is
// InvalidArgument naming its field before any shard is asked.
func TestMalformedIDsAreInvalidArgument(t *testing.T) {
	r := newRouter(t, 2, nil)
	ctx := context.Background()
	check := func(err error, field string) {
		t.Helper()
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%v", err)
		var ce *commerce.Error
		require.ErrorAs(t, err, &ce)
		require.Equal(t, field, ce.Details["field"])
	}
	_, err := r.Orders().Get(ctx, "ord_nope")
	check(err, "id")
	_, err = r.Payments().Get(ctx, "pay_01J00000000000000000000000x")
	check(err, "id")
	_, err = r.Customers().Get(ctx, "cus_")
	check(err, "id")
	_, err = r.Orders().List(ctx, order.ListFilter{CustomerID: "cus_bad"}, commerce.PageRequest{})
	check(err, "customer_id")
	_, err = r.Payments().ListByOrder(ctx, "ord_bad")
	check(err, "order_id")
	_, err = r.Customers().GetSession(ctx, "sess_bad")
	check(err, "id")
}
