package pgbus_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/internal/testenv"
)

// orderPlaced is the event the outbox tests write.
type orderPlaced struct {
	OrderID string `json:"order_id"`
}

func (orderPlaced) EventName() string { return "outboxtest.order_placed" }

const waitFor = 15 * time.Second

var quiet = slog.New(slog.DiscardHandler)

// outboxFixture is a pool, a started in-process bus with a handler that
// records order IDs, and an outbox writer.
type outboxFixture struct {
	pool   *pgxpool.Pool
	bus    *eventbus.Bus
	outbox *pgbus.Outbox

	mu  sync.Mutex
	got []string
}

func newOutboxFixture(t *testing.T, opts *eventbus.Options) *outboxFixture {
	t.Helper()
	return newOutboxFixtureOn(t, opts, "")
}

// newOutboxFixtureOn is newOutboxFixture with the outbox named topic
// (empty: the default). Notification channels are database-wide, so a
// test that listens on one takes a topic no other test writes to.
func newOutboxFixtureOn(t *testing.T, opts *eventbus.Options, topic string) *outboxFixture {
	t.Helper()
	ctx := context.Background()
	f := &outboxFixture{pool: testenv.Postgres(t)}
	if opts == nil {
		opts = &eventbus.Options{}
	}
	opts.Logger = quiet
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	require.NoError(t, eventbus.Handle(bus, "orders", func(_ context.Context, _ commerce.Envelope, e orderPlaced) error {
		f.mu.Lock()
		f.got = append(f.got, e.OrderID)
		f.mu.Unlock()
		return nil
	}))
	require.NoError(t, bus.Start(ctx))
	f.bus = bus
	f.outbox, err = pgbus.NewOutbox(ctx, f.pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet}, Topic: topic})
	require.NoError(t, err)
	_, err = f.pool.Exec(ctx, `CREATE TABLE orders (id text PRIMARY KEY)`)
	require.NoError(t, err)
	return f
}

func (f *outboxFixture) received() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.got...)
}

// placeOrder inserts an order and its event in one transaction, then
// commits or rolls back.
func (f *outboxFixture) placeOrder(t *testing.T, id string, commit bool) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO orders (id) VALUES ($1)`, id); err != nil {
			return err
		}
		if err := f.outbox.Publish(ctx, tx, commerce.NewEnvelope(id, time.Now(), orderPlaced{OrderID: id})); err != nil {
			return err
		}
		if !commit {
			return errRollback
		}
		return nil
	})
	if commit {
		require.NoError(t, err)
	} else {
		require.ErrorIs(t, err, errRollback)
	}
}

var errRollback = commerce.Errorf(commerce.CodeFailedPrecondition, "rolled back on purpose")

func (f *outboxFixture) startRelay(t *testing.T) *pgbus.Relay {
	t.Helper()
	relay, err := pgbus.NewRelay(f.pool, f.bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 10 * time.Millisecond}})
	require.NoError(t, err)
	require.NoError(t, relay.Start(context.Background()))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	return relay
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, waitFor, 5*time.Millisecond, what)
}

func TestOutboxCommitIsDelivered(t *testing.T) {
	f := newOutboxFixture(t, nil)
	f.startRelay(t)
	f.placeOrder(t, "ord_1", true)
	f.placeOrder(t, "ord_2", true)
	eventually(t, "both committed events", func() bool { return len(f.received()) == 2 })
	// The in-process bus hands events to handlers concurrently: no order.
	assert.ElementsMatch(t, []string{"ord_1", "ord_2"}, f.received())
}

// outboxRows counts the rows in f's outbox table.
func outboxRows(t *testing.T, f *outboxFixture) int {
	t.Helper()
	var n int
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT count(*) FROM watermill_mercato_outbox`).Scan(&n))
	return n
}

// TestRelayDeletesWhatItForwarded: the outbox holds only events still to
// be forwarded, so it does not grow with every event ever written.
func TestRelayDeletesWhatItForwarded(t *testing.T) {
	f := newOutboxFixture(t, nil)
	ctx := context.Background()
	relay := f.startRelay(t)
	for i := range 5 {
		f.placeOrder(t, fmt.Sprintf("forwarded-%d", i), true)
	}
	eventually(t, "the relay forwards every event", func() bool { return len(f.received()) == 5 })
	eventually(t, "the relay deletes the rows it forwarded", func() bool { return outboxRows(t, f) == 0 })
	require.NoError(t, relay.Close(ctx))

	for i := range 3 {
		f.placeOrder(t, fmt.Sprintf("waiting-%d", i), true)
	}
	assert.Equal(t, 3, outboxRows(t, f), "rows no relay forwarded stay in the outbox")
	f.startRelay(t)
	eventually(t, "a new relay forwards the rest", func() bool { return len(f.received()) == 8 })
	eventually(t, "and deletes them", func() bool { return outboxRows(t, f) == 0 })
}

// TestRelayStartDeletesRowsBehindItsPosition: rows the position has
// passed but that are still in the outbox (written before relays deleted
// what they forwarded) go when a relay starts, without being forwarded
// again.
func TestRelayStartDeletesRowsBehindItsPosition(t *testing.T) {
	f := newOutboxFixture(t, nil)
	ctx := context.Background()
	relay := f.startRelay(t)
	f.placeOrder(t, "forwarded", true)
	eventually(t, "the relay forwards the event", func() bool { return len(f.received()) == 1 })
	eventually(t, "the relay deletes the row it forwarded", func() bool { return outboxRows(t, f) == 0 })
	require.NoError(t, relay.Close(ctx))
	// An event written as if by the oldest transaction there is: behind
	// the position.
	require.NoError(t, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		if err := f.outbox.Publish(ctx, tx, commerce.NewEnvelope("old", time.Now(), orderPlaced{OrderID: "old"})); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE watermill_mercato_outbox SET transaction_id = '1'`)
		return err
	}))
	require.Equal(t, 1, outboxRows(t, f))

	f.startRelay(t)
	eventually(t, "the new relay deletes the row behind its position", func() bool { return outboxRows(t, f) == 0 })
	f.placeOrder(t, "after", true)
	eventually(t, "and forwards what comes next", func() bool { return len(f.received()) == 2 })
	assert.Equal(t, []string{"forwarded", "after"}, f.received(), "the row behind the position is not forwarded")
}

func TestOutboxRollbackPublishesNothing(t *testing.T) {
	f := newOutboxFixture(t, nil)
	f.placeOrder(t, "ord_rolled_back", false)
	f.placeOrder(t, "ord_committed", true)
	var rows int
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT count(*) FROM watermill_mercato_outbox`).Scan(&rows))
	assert.Equal(t, 1, rows, "the rolled-back event never reached the outbox")
	f.startRelay(t)
	eventually(t, "the committed event", func() bool { return len(f.received()) == 1 })
	assert.Equal(t, []string{"ord_committed"}, f.received())
}

func TestOutboxSurvivesRelayRestart(t *testing.T) {
	f := newOutboxFixture(t, nil)
	first := f.startRelay(t)
	f.placeOrder(t, "ord_before_stop", true)
	eventually(t, "the first event", func() bool { return len(f.received()) == 1 })

	require.NoError(t, first.Close(context.Background()))
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(first.Start(context.Background())),
		"a closed relay cannot be started again")
	// Committed while no relay runs: the crash window between commit and
	// publish.
	f.placeOrder(t, "ord_while_down", true)
	f.startRelay(t)
	eventually(t, "the event committed while the relay was down", func() bool { return len(f.received()) == 2 })
	assert.ElementsMatch(t, []string{"ord_before_stop", "ord_while_down"}, f.received())
}

// neverSeen disables deduplication so a redelivered event reaches the
// handler again, as it would after a crash in another process.
type neverSeen struct{}

func (neverSeen) Seen(context.Context, string) (bool, error) { return false, nil }
func (neverSeen) Mark(context.Context, string) error         { return nil }

func TestOutboxIdempotentHandlerAppliesOnce(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `CREATE TABLE loyalty_points (event_id text PRIMARY KEY, order_id text NOT NULL)`)
	require.NoError(t, err)

	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Logger: quiet, Deduplicator: neverSeen{}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	var calls atomic.Int32
	require.NoError(t, eventbus.Handle(bus, "loyalty", func(ctx context.Context, env commerce.Envelope, e orderPlaced) error {
		// The effect is keyed by event ID, so applying it twice is a no-op.
		_, err := pool.Exec(ctx, `INSERT INTO loyalty_points (event_id, order_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, env.ID.String(), e.OrderID)
		if err == nil {
			calls.Add(1)
		}
		return err
	}))
	require.NoError(t, bus.Start(ctx))
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet}})
	require.NoError(t, err)
	relay, err := pgbus.NewRelay(pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 10 * time.Millisecond}})
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })

	// The same event written twice stands for an at-least-once redelivery.
	env := commerce.NewEnvelope("ord_9", time.Now(), orderPlaced{OrderID: "ord_9"})
	for range 2 {
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Publish(ctx, tx, env) }))
	}
	eventually(t, "both deliveries to succeed", func() bool { return calls.Load() == 2 })
	var n int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM loyalty_points`).Scan(&n))
	assert.Equal(t, 1, n, "the effect is applied once")
}

func TestOutboxWritesManyEventsInOrder(t *testing.T) {
	f := newOutboxFixture(t, nil)
	f.startRelay(t)
	ctx := context.Background()
	var ids []string
	require.NoError(t, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		var batch []commerce.Envelope
		for i := range 7 {
			id := fmt.Sprintf("ord_batch_%d", i)
			ids = append(ids, id)
			batch = append(batch, commerce.NewEnvelope(id, time.Now(), orderPlaced{OrderID: id}))
			if i == 3 { // a run of another topic in the middle
				batch = append(batch, commerce.NewEnvelope(id, time.Now(), eventbustest.Other{Seq: i}))
			}
		}
		counted := &countingTx{Tx: tx}
		if err := f.outbox.Publish(ctx, counted, batch...); err != nil {
			return err
		}
		assert.Equal(t, 1, counted.execs, "one INSERT for the whole batch, both topics")
		var stored int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM watermill_mercato_outbox`).Scan(&stored); err != nil {
			return err
		}
		assert.Equal(t, len(ids)+1, stored, "one outbox row per event, the other topic's included")
		return nil
	}))
	eventually(t, "every event of the batch", func() bool { return len(f.received()) == len(ids) })
	assert.ElementsMatch(t, ids, f.received())
}

// countingTx counts the statements executed through it.
type countingTx struct {
	pgx.Tx
	execs int
}

func (c *countingTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.execs++
	return c.Tx.Exec(ctx, sql, args...)
}

func TestOutboxRejectsBadInput(t *testing.T) {
	f := newOutboxFixture(t, nil)
	ctx := context.Background()
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(f.outbox.Publish(ctx, nil)))
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		return f.outbox.Publish(ctx, tx, commerce.Envelope{Name: "outboxtest.order_placed"})
	})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = pgbus.NewOutbox(ctx, f.pool, f.bus, &pgbus.OutboxOptions{Topic: "bad topic"})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

// BenchmarkOutboxCommitToHandler measures the time from a transaction's
// commit to the handler receiving its event through the relay.
func BenchmarkOutboxCommitToHandler(b *testing.B) {
	ctx := context.Background()
	pool := testenv.Postgres(b)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Logger: quiet})
	require.NoError(b, err)
	b.Cleanup(func() { _ = bus.Close(context.Background()) })
	arrived := make(chan struct{}, 1)
	require.NoError(b, eventbus.Handle(bus, "bench", func(context.Context, commerce.Envelope, orderPlaced) error {
		arrived <- struct{}{}
		return nil
	}))
	require.NoError(b, bus.Start(ctx))
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet}})
	require.NoError(b, err)
	relay, err := pgbus.NewRelay(pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet}})
	require.NoError(b, err)
	require.NoError(b, relay.Start(ctx))
	b.Cleanup(func() { _ = relay.Close(context.Background()) })

	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		env := commerce.NewEnvelope("ord_bench", time.Now(), orderPlaced{OrderID: fmt.Sprint(i)})
		tx, err := pool.Begin(ctx)
		require.NoError(b, err)
		require.NoError(b, outbox.Publish(ctx, tx, env))
		committed := time.Now()
		require.NoError(b, tx.Commit(ctx))
		select {
		case <-arrived:
		case <-time.After(waitFor):
			b.Fatalf("event %d not relayed within %s", i, waitFor)
		}
		latencies = append(latencies, time.Since(committed))
	}
	b.StopTimer()
	benchload.ReportLatencies(b, latencies)
}

// TestRelayStartAfterCloseIsFailedPrecondition: a relay closed before it
// ever ran, or closed while another goroutine starts it, refuses Start
// with FailedPrecondition rather than reporting a relay that forwards
// nothing as started.
func TestRelayStartAfterCloseIsFailedPrecondition(t *testing.T) {
	f := newOutboxFixture(t, nil)
	ctx := context.Background()
	opts := &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 10 * time.Millisecond}}

	never, err := pgbus.NewRelay(f.pool, f.bus, opts)
	require.NoError(t, err)
	require.NoError(t, never.Close(ctx))
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(never.Start(ctx)), "closed before it ever started")
	require.NoError(t, never.Close(ctx), "Close is idempotent")

	started, err := pgbus.NewRelay(f.pool, f.bus, opts)
	require.NoError(t, err)
	require.NoError(t, started.Start(ctx))
	require.NoError(t, started.Start(ctx), "starting a started relay is a no-op")
	require.NoError(t, started.Close(ctx))
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(started.Start(ctx)), "closed after it ran")
}

// startWokenRelay starts a relay whose poll interval is an hour and whose
// fallback poll is fallback: with an hour, it can only deliver promptly if
// a notification wakes it.
func (f *outboxFixture) startWokenRelay(t *testing.T, fallback time.Duration) *pgbus.Relay {
	t.Helper()
	relay, err := pgbus.NewRelay(f.pool, f.bus, &pgbus.OutboxOptions{
		Options:              pgbus.Options{Logger: quiet, PollInterval: time.Hour},
		FallbackPollInterval: fallback,
	})
	require.NoError(t, err)
	require.NoError(t, relay.Start(context.Background()))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	return relay
}

func TestRelayIsWokenByACommitNotThePoll(t *testing.T) {
	f := newOutboxFixture(t, nil)
	f.startWokenRelay(t, time.Hour)
	// Each commit is delivered well before any poll would run.
	for i := range 3 {
		id := fmt.Sprintf("ord_woken_%d", i)
		f.placeOrder(t, id, true)
		eventually(t, id+" is relayed", func() bool { return slices.Contains(f.received(), id) })
	}
	f.placeOrder(t, "ord_rolled_back", false)
	f.placeOrder(t, "ord_after", true)
	eventually(t, "the last order is relayed", func() bool { return slices.Contains(f.received(), "ord_after") })
	assert.NotContains(t, f.received(), "ord_rolled_back")
}

func TestRelayFallsBackToPollingWithoutNotifications(t *testing.T) {
	f := newOutboxFixture(t, nil)
	// No notifications at all: as if each were sent while the relay's
	// listening connection was down.
	_, err := f.pool.Exec(context.Background(), `DROP TRIGGER mercato_outbox_notify ON watermill_mercato_outbox`)
	require.NoError(t, err)
	f.startWokenRelay(t, 100*time.Millisecond)
	f.placeOrder(t, "ord_polled", true)
	eventually(t, "the fallback poll relays the order", func() bool { return slices.Contains(f.received(), "ord_polled") })
}

func TestRelayCloseEndsItsWaitForANotification(t *testing.T) {
	f := newOutboxFixture(t, nil)
	relay := f.startWokenRelay(t, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	require.NoError(t, relay.Close(ctx), "an idle relay closes though its next poll is an hour away")
}

// placeOrderQuietly inserts an order and its event with PublishQuiet,
// commits and announces unless told not to.
func (f *outboxFixture) placeOrderQuietly(id string, announce bool) error {
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO orders (id) VALUES ($1)`, id); err != nil {
			return err
		}
		return f.outbox.PublishQuiet(ctx, tx, commerce.NewEnvelope(id, time.Now(), orderPlaced{OrderID: id}))
	})
	if err != nil || !announce {
		return err
	}
	return f.outbox.Announce(ctx)
}

func TestOutboxPublishQuietCommitsWithoutNotifying(t *testing.T) {
	// Other packages' tests notify watermill_mercato_outbox in the same
	// database: this outbox has a channel of its own.
	topic := fmt.Sprintf("quiet_%d", time.Now().UnixNano())
	channel := "watermill_" + topic
	f := newOutboxFixtureOn(t, nil, topic)
	ctx := context.Background()
	conn, err := f.pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()
	_, err = conn.Exec(ctx, `LISTEN `+channel)
	require.NoError(t, err)
	require.NoError(t, f.placeOrderQuietly("ord_quiet", false))
	// Notifications arrive in commit order: the first one is the marker
	// sent after the quiet commit, so that commit sent none.
	_, err = f.pool.Exec(ctx, `SELECT pg_notify($1, 'marker')`, channel)
	require.NoError(t, err)
	wctx, cancel := context.WithTimeout(ctx, waitFor)
	defer cancel()
	n, err := conn.Conn().WaitForNotification(wctx)
	require.NoError(t, err)
	assert.Equal(t, "marker", n.Payload)
}

func TestRelayIsWokenByAnnounceAfterQuietCommits(t *testing.T) {
	f := newOutboxFixture(t, nil)
	f.startWokenRelay(t, time.Hour)
	require.NoError(t, f.placeOrderQuietly("ord_announced", true))
	eventually(t, "the announced order is relayed", func() bool { return slices.Contains(f.received(), "ord_announced") })

	// Concurrent commits fold their announcements together; none is lost.
	const buyers = 16
	var wg sync.WaitGroup
	errs := make([]error, buyers)
	for i := range buyers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.placeOrderQuietly(fmt.Sprintf("ord_burst_%d", i), true)
		}()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	eventually(t, "every order of the burst is relayed", func() bool { return len(f.received()) == buyers+1 })
}

// TestOutboxRowHoldsTheEventAsJSON: a row is the event's own JSON, which
// an operator can query, with its name and destination in the metadata.
func TestOutboxRowHoldsTheEventAsJSON(t *testing.T) {
	f := newOutboxFixture(t, nil)
	f.placeOrder(t, "ord_json", true)
	var orderID, name, topic string
	require.NoError(t, f.pool.QueryRow(context.Background(), `SELECT payload->>'order_id', metadata->>'event_name',
		metadata->>'pgbus_destination_topic' FROM watermill_mercato_outbox`).Scan(&orderID, &name, &topic))
	assert.Equal(t, "ord_json", orderID)
	assert.Equal(t, "outboxtest.order_placed", name)
	assert.Equal(t, f.bus.Topic(name), topic)
}

// TestRelayForwardsRowsInTheForwarderEnvelope: rows written in Watermill's
// forwarder envelope, as earlier versions of the Outbox wrote them, are
// still forwarded, so an upgrade loses none of the events waiting.
func TestRelayForwardsRowsInTheForwarderEnvelope(t *testing.T) {
	f := newOutboxFixture(t, nil)
	ctx := context.Background()
	require.NoError(t, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		topic, msg, err := f.bus.Encode(commerce.NewEnvelope("ord_enveloped", time.Now(), orderPlaced{OrderID: "ord_enveloped"}))
		if err != nil {
			return err
		}
		table, err := wsql.NewPublisher(wsql.TxFromPgx(tx), wsql.PublisherConfig{SchemaAdapter: wsql.DefaultPostgreSQLSchema{}}, nil)
		if err != nil {
			return err
		}
		return forwarder.NewPublisher(table, forwarder.PublisherConfig{ForwarderTopic: pgbus.DefaultOutboxTopic}).Publish(topic, msg)
	}))
	f.placeOrder(t, "ord_json", true)
	f.startRelay(t)
	eventually(t, "both events", func() bool { return len(f.received()) == 2 })
	assert.ElementsMatch(t, []string{"ord_enveloped", "ord_json"}, f.received())
}

// TestOutboxWritesEncodedEventsInOrder: events encoded ahead of their
// transaction are written with one INSERT, in the order given.
func TestOutboxWritesEncodedEventsInOrder(t *testing.T) {
	f := newOutboxFixture(t, nil)
	ctx := context.Background()
	first, err := f.outbox.Encode(
		commerce.NewEnvelope("ord_e1", time.Now(), orderPlaced{OrderID: "ord_e1"}),
		commerce.NewEnvelope("ord_e2", time.Now(), orderPlaced{OrderID: "ord_e2"}))
	require.NoError(t, err)
	second, err := f.outbox.Encode(commerce.NewEnvelope("ord_e3", time.Now(), orderPlaced{OrderID: "ord_e3"}))
	require.NoError(t, err)
	assert.Equal(t, 2, first.Len())

	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(f.outbox.PublishEncodedQuiet(ctx, nil, first)))
	require.NoError(t, pgx.BeginFunc(ctx, f.pool, func(tx pgx.Tx) error {
		counted := &countingTx{Tx: tx}
		if err := f.outbox.PublishEncodedQuiet(ctx, counted, first, second); err != nil {
			return err
		}
		assert.Equal(t, 2, counted.execs, "the quiet setting and one INSERT")
		return nil
	}))
	rows, err := f.pool.Query(ctx, `SELECT payload->>'order_id' FROM watermill_mercato_outbox ORDER BY transaction_id, "offset"`)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	assert.Equal(t, []string{"ord_e1", "ord_e2", "ord_e3"}, ids)

	_, err = f.outbox.Encode(commerce.Envelope{Name: "outboxtest.order_placed"})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "an invalid envelope does not encode")
}
