package monitoring_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/monitoring"
)

// TestOutboxCollector writes events into the PostgreSQL outbox: the
// collector reports them and the age of the oldest until the relay has
// forwarded them, then an empty backlog.
func TestOutboxCollector(t *testing.T) {
	ctx := context.Background()
	pool := testenv.Postgres(t)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Logger: eventbustest.Logger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, nil)
	require.NoError(t, err)

	reg := prometheus.NewRegistry()
	c, err := monitoring.OutboxCollector(pool, "", eventbustest.Logger(t))
	require.NoError(t, err)
	require.NoError(t, reg.Register(c))
	require.NoError(t, reg.Register(monitoring.PgxPoolCollector(pool, "test")))

	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		return outbox.Publish(ctx, tx,
			commerce.NewEnvelope("a", time.Now(), eventbustest.Tested{Seq: 1}),
			commerce.NewEnvelope("a", time.Now(), eventbustest.Tested{Seq: 2}))
	}))
	require.Equal(t, 2.0, value(t, reg, "mercato_outbox_backlog", nil), "nothing relayed yet")
	eventually(t, "the oldest event to age", func() bool { return value(t, reg, "mercato_outbox_oldest_event_age_seconds", nil) > 0 })
	require.Positive(t, value(t, reg, "mercato_pgxpool_acquires_total", map[string]string{"pool": "test"}))
	require.Positive(t, value(t, reg, "mercato_pgxpool_max_conns", map[string]string{"pool": "test"}))

	got := commercetest.NewRecorder()
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, env commerce.Envelope, _ eventbustest.Tested) error {
		return got.Publish(ctx, env)
	}))
	require.NoError(t, bus.Start(ctx))
	relay, err := pgbus.NewRelay(pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: eventbustest.Logger(t), PollInterval: 10 * time.Millisecond}})
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	got.WaitFor(t, relayWait, commerce.EventNameOf[eventbustest.Tested](), 2)
	eventually(t, "the backlog to empty", func() bool {
		return value(t, reg, "mercato_outbox_backlog", nil) == 0 && value(t, reg, "mercato_outbox_oldest_event_age_seconds", nil) == 0
	})

	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		return outbox.Publish(ctx, tx, commerce.NewEnvelope("a", time.Now(), eventbustest.Tested{Seq: 3}))
	}))
	got.WaitFor(t, relayWait, commerce.EventNameOf[eventbustest.Tested](), 3)
	eventually(t, "the third event to be relayed", func() bool { return value(t, reg, "mercato_outbox_backlog", nil) == 0 })
}

// relayWait bounds the wait for an outbox relay. A relay reads a row only
// once every transaction older than it has ended, on the whole server:
// under the full suite another package's long transaction delays it.
const relayWait = time.Minute

func TestRedisPoolCollector(t *testing.T) {
	r := testenv.Redis(t)
	require.NoError(t, r.Client.Set(context.Background(), r.Key("k"), "v", time.Minute).Err())
	reg := prometheus.NewRegistry()
	require.NoError(t, reg.Register(monitoring.RedisPoolCollector(r.Client, "carts")))
	require.Positive(t, value(t, reg, "mercato_redis_pool_total_conns", map[string]string{"pool": "carts"}))
	require.Positive(t, value(t, reg, "mercato_redis_pool_hits_total", map[string]string{"pool": "carts"})+
		value(t, reg, "mercato_redis_pool_misses_total", map[string]string{"pool": "carts"}))
}
