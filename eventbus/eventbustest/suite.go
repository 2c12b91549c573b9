package eventbustest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// Config describes the backend under test.
type Config struct {
	// NewBackend returns a new backend on the broker under test. Backends
	// from one test share the broker (a durable backend must let a second
	// backend resume a group the first one left); the suite keeps subtests
	// apart with topic prefixes of its own.
	NewBackend func(t testing.TB) eventbus.Backend

	// TopicPrefix is put before the suite's own per-subtest prefix, for
	// brokers whose cleanup works by prefix.
	TopicPrefix string

	// Ordered: one member of a group receives one aggregate's events in
	// publish order.
	Ordered bool

	// Durable: events published before a group subscribes still reach it,
	// and an event whose handler did not finish before Close is delivered
	// to the group's next member.
	Durable bool

	// Timeout bounds each wait for a delivery. Default: 30s.
	Timeout time.Duration
}

// Run runs the conformance suite against cfg's backend.
func Run(t *testing.T, cfg Config) {
	if cfg.NewBackend == nil {
		t.Fatal("eventbustest: Config.NewBackend is required")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	t.Run("RoundTrip", cfg.testRoundTrip)
	t.Run("HeaderOnly", cfg.testHeaderOnly)
	t.Run("ConsumerGroups", cfg.testConsumerGroups)
	t.Run("RedeliveryAfterError", cfg.testRedeliveryAfterError)
	t.Run("PanicIsRetried", cfg.testPanicIsRetried)
	t.Run("PoisonAfterMaxAttempts", cfg.testPoisonAfterMaxAttempts)
	t.Run("PermanentErrorPoisonsAtOnce", cfg.testPermanentError)
	t.Run("DuplicatesSkipped", cfg.testDuplicatesSkipped)
	t.Run("ConcurrentPublishers", cfg.testConcurrentPublishers)
	t.Run("CloseDrainsInFlightHandlers", cfg.testCloseDrains)
	t.Run("CloseDeadlineCancelsHandlers", cfg.testCloseDeadline)
	t.Run("InvalidInput", cfg.testInvalidInput)
	if cfg.Ordered {
		t.Run("OrderPerAggregate", cfg.testOrderPerAggregate)
	}
	if cfg.Durable {
		t.Run("PublishedBeforeSubscribe", cfg.testPublishedBeforeSubscribe)
		t.Run("UnfinishedEventRedeliveredAfterClose", cfg.testRedeliveredAfterClose)
	}
}

func (c Config) testRoundTrip(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	var rec recorder
	var others atomic.Int32
	require.NoError(t, eventbus.Handle(bus, "g", rec.handler("m")))
	require.NoError(t, eventbus.Handle(bus, "g", func(context.Context, commerce.Envelope, Other) error {
		others.Add(1)
		return nil
	}))
	start(t, bus)

	occurred := time.Date(2026, 11, 26, 10, 30, 0, 123456789, time.UTC)
	want := commerce.NewEnvelope("ord_agg", occurred, Tested{Seq: 7, Note: "grüße, 日本"})
	publish(t, bus, commerce.NewEnvelope("ord_agg", occurred, Other{Seq: 1}), want)

	eventually(t, c.Timeout, "the event", func() bool { return rec.count() == 1 && others.Load() == 1 })
	got := rec.all()[0]
	assert.Equal(t, want.ID, got.env.ID)
	assert.Equal(t, want.Name, got.env.Name)
	assert.Equal(t, want.AggregateID, got.env.AggregateID)
	assert.True(t, want.OccurredAt.Equal(got.env.OccurredAt), "occurred-at %v != %v", got.env.OccurredAt, want.OccurredAt)
	assert.Equal(t, want.Version, got.env.Version)
	assert.Equal(t, Tested{Seq: 7, Note: "grüße, 日本"}, got.event)
	assert.Equal(t, got.event, got.env.Payload)
}

// testHeaderOnly: a SubscribeHeader handler gets every field of the
// envelope but the payload, which is not decoded: it follows an event
// whose type the bus does not know.
func (c Config) testHeaderOnly(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	var mu sync.Mutex
	var got []commerce.Envelope
	require.NoError(t, bus.SubscribeHeader("counter", Unregistered{}.EventName(), func(_ context.Context, env commerce.Envelope) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, env)
		return nil
	}))
	start(t, bus)

	occurred := time.Date(2026, 12, 7, 10, 30, 0, 123456789, time.UTC)
	want := commerce.NewEnvelope("ord_agg", occurred, Unregistered{Seq: 3})
	publish(t, bus, want)
	eventually(t, c.Timeout, "the event's header", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 1
	})
	mu.Lock()
	env := got[0]
	mu.Unlock()
	assert.Equal(t, want.ID, env.ID)
	assert.Equal(t, want.Name, env.Name)
	assert.Equal(t, want.AggregateID, env.AggregateID)
	assert.True(t, want.OccurredAt.Equal(env.OccurredAt), "occurred-at %v != %v", env.OccurredAt, want.OccurredAt)
	assert.Equal(t, want.Version, env.Version)
	assert.Nil(t, env.Payload, "the payload is not decoded")
}

func (c Config) testConsumerGroups(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	var shared, solo recorder
	require.NoError(t, eventbus.Handle(bus, "shared", shared.handler("a")))
	require.NoError(t, eventbus.Handle(bus, "shared", shared.handler("b")))
	require.NoError(t, eventbus.Handle(bus, "solo", solo.handler("s")))
	start(t, bus)

	const n = 30
	for i := range n {
		publish(t, bus, tested(fmt.Sprintf("agg-%d", i%5), i))
	}
	eventually(t, c.Timeout, "every event in both groups", func() bool {
		return shared.distinctSeqs() == n && solo.distinctSeqs() == n
	})
	assert.Equal(t, n, shared.count(), "a group's members share events: each is handled once in the group")
	assert.Equal(t, n, solo.count())
}

func (c Config) testRedeliveryAfterError(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), &eventbus.Options{
		Retry: eventbus.RetryPolicy{MaxAttempts: 5, InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond},
	})
	var attempts atomic.Int32
	var rec recorder
	record := rec.handler("m")
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, env commerce.Envelope, e Tested) error {
		if attempts.Add(1) < 3 {
			return errors.New("transient failure")
		}
		return record(ctx, env, e)
	}))
	poisoned := subscribePoison(t, bus)
	start(t, bus)

	publish(t, bus, tested("agg", 1))
	eventually(t, c.Timeout, "the event after two failures", func() bool { return rec.count() == 1 })
	assert.Equal(t, int32(3), attempts.Load())
	assert.Empty(t, poisoned.all(), "a handler that recovers does not poison the event")
}

func (c Config) testPanicIsRetried(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	var attempts atomic.Int32
	var rec recorder
	record := rec.handler("m")
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, env commerce.Envelope, e Tested) error {
		if attempts.Add(1) == 1 {
			panic("handler bug")
		}
		return record(ctx, env, e)
	}))
	start(t, bus)

	publish(t, bus, tested("agg", 1))
	eventually(t, c.Timeout, "the event after a panic", func() bool { return rec.count() == 1 })
	assert.Equal(t, int32(2), attempts.Load())
}

func (c Config) testPoisonAfterMaxAttempts(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), &eventbus.Options{
		Retry: eventbus.RetryPolicy{MaxAttempts: 4, InitialInterval: 5 * time.Millisecond, MaxInterval: 10 * time.Millisecond},
	})
	var attempts atomic.Int32
	var fixed atomic.Bool
	var rec recorder
	record := rec.handler("m")
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, env commerce.Envelope, e Tested) error {
		if e.Seq == 1 && !fixed.Load() {
			attempts.Add(1)
			return errors.New("cannot handle seq 1")
		}
		return record(ctx, env, e)
	}))
	poisoned := subscribePoison(t, bus)
	start(t, bus)

	bad, good := tested("agg", 1), tested("agg", 2)
	publish(t, bus, bad)
	publish(t, bus, good)
	eventually(t, c.Timeout, "the poisoned event and the next one", func() bool {
		return len(poisoned.all()) == 1 && rec.count() == 1
	})
	assert.Equal(t, int32(4), attempts.Load(), "poisoned after exactly MaxAttempts failures")
	p := poisoned.all()[0]
	assert.Equal(t, bad.ID.String(), p.EventID)
	assert.Equal(t, bad.Name, p.Name)
	assert.Equal(t, "agg", p.AggregateID)
	assert.Contains(t, p.Reason, "cannot handle seq 1")
	assert.Equal(t, "g/eventbustest.tested", p.Handler)
	assert.Equal(t, bus.Topic(bad.Name), p.Topic)
	assert.Equal(t, 2, rec.all()[0].event.Seq, "a poisoned event does not block the ones behind it")

	fixed.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	defer cancel()
	require.NoError(t, bus.Replay(ctx, p))
	eventually(t, c.Timeout, "the replayed event", func() bool { return rec.count() == 2 })
	assert.Equal(t, bad.ID, rec.all()[1].env.ID)
}

func (c Config) testPermanentError(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	var attempts atomic.Int32
	require.NoError(t, eventbus.Handle(bus, "g", func(context.Context, commerce.Envelope, Tested) error {
		attempts.Add(1)
		return commerce.Permanent(commerce.Errorf(commerce.CodeInvalidArgument, "unknown sku"))
	}))
	poisoned := subscribePoison(t, bus)
	start(t, bus)

	publish(t, bus, tested("agg", 1))
	eventually(t, c.Timeout, "the poisoned event", func() bool { return len(poisoned.all()) == 1 })
	assert.Equal(t, int32(1), attempts.Load(), "a permanent error is not retried")
	assert.Contains(t, poisoned.all()[0].Reason, "unknown sku")
}

func (c Config) testDuplicatesSkipped(t *testing.T) {
	dedup := &countingDeduplicator{Deduplicator: eventbus.NewMemoryDeduplicator(time.Minute, nil)}
	bus := c.newBus(t, c.uniquePrefix(t), &eventbus.Options{Deduplicator: dedup})
	var rec recorder
	require.NoError(t, eventbus.Handle(bus, "g", rec.handler("m")))
	start(t, bus)

	env := tested("agg", 1)
	publish(t, bus, env)
	eventually(t, c.Timeout, "the first delivery", func() bool { return rec.count() == 1 })
	publish(t, bus, env)
	eventually(t, c.Timeout, "the duplicate to be skipped", func() bool { return dedup.skipped.Load() == 1 })
	assert.Equal(t, 1, rec.count(), "the duplicate did not reach the handler")
}

func (c Config) testConcurrentPublishers(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	var rec recorder
	require.NoError(t, eventbus.Handle(bus, "g", rec.handler("m")))
	start(t, bus)

	const publishers, each = 8, 25
	begin := make(chan struct{})
	errs := make(chan error, publishers*each)
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-begin
			for i := range each {
				seq := p*each + i
				if err := bus.Publish(context.Background(), tested(fmt.Sprintf("agg-%d", p), seq)); err != nil {
					errs <- err
				}
			}
		}()
	}
	close(begin)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	eventually(t, c.Timeout, "every concurrently published event", func() bool {
		return rec.distinctSeqs() == publishers*each
	})
}

func (c Config) testCloseDrains(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	entered := make(chan struct{})
	release := make(chan struct{})
	var finished atomic.Bool
	var ctxErr atomic.Value
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, _ commerce.Envelope, _ Tested) error {
		close(entered)
		<-release
		if err := ctx.Err(); err != nil {
			ctxErr.Store(err)
		}
		finished.Store(true)
		return nil
	}))
	start(t, bus)
	publish(t, bus, tested("agg", 1))
	waitClosed(t, entered, c.Timeout, "the handler to start")

	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
		defer cancel()
		closed <- bus.Close(ctx)
	}()
	// Release the handler only once Close has begun: publishing is refused.
	eventually(t, c.Timeout, "Close to begin", func() bool {
		return commerce.Code(bus.Publish(context.Background(), tested("agg", 2))) == commerce.CodeFailedPrecondition
	})
	close(release)
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(c.Timeout):
		t.Fatal("Close did not return after the handler finished")
	}
	assert.True(t, finished.Load(), "Close returned before the in-flight handler finished")
	assert.Nil(t, ctxErr.Load(), "the handler's context was cancelled while draining")
}

func (c Config) testCloseDeadline(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	entered := make(chan struct{})
	cancelled := make(chan struct{})
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, _ commerce.Envelope, _ Tested) error {
		close(entered)
		<-ctx.Done()
		close(cancelled)
		return ctx.Err()
	}))
	start(t, bus)
	publish(t, bus, tested("agg", 1))
	waitClosed(t, entered, c.Timeout, "the handler to start")

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := bus.Close(ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	waitClosed(t, cancelled, c.Timeout, "the handler's context to be cancelled")
	assert.Equal(t, err, bus.Close(context.Background()), "Close is idempotent")
}

func (c Config) testInvalidInput(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	ctx := context.Background()

	bad := tested("agg", 1)
	bad.AggregateID = ""
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(bus.Publish(ctx, bad)))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(bus.Subscribe("has space", "eventbustest.tested", func(context.Context, commerce.Envelope) error { return nil })))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(bus.Subscribe("g", "eventbustest.unregistered", func(context.Context, commerce.Envelope) error { return nil })))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(bus.Subscribe("g", "NoDots", func(context.Context, commerce.Envelope) error { return nil })))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(bus.SubscribeHeader("has space", "eventbustest.tested", func(context.Context, commerce.Envelope) error { return nil })))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(bus.SubscribeHeader("g", "NoDots", func(context.Context, commerce.Envelope) error { return nil })))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(bus.SubscribeHeader("g", "eventbustest.tested", nil)))

	require.NoError(t, bus.Close(ctx))
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(bus.Publish(ctx, tested("agg", 1))))
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(eventbus.Handle(bus, "g", (&recorder{}).handler("m"))))
}

func (c Config) testOrderPerAggregate(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	var rec recorder
	require.NoError(t, eventbus.Handle(bus, "g", rec.handler("m")))
	start(t, bus)

	const n = 40
	for i := range n {
		publish(t, bus, tested([]string{"agg-a", "agg-b", "agg-c"}[i%3], i))
	}
	eventually(t, c.Timeout, "every event", func() bool { return rec.count() >= n })
	last := map[string]int{}
	for _, d := range rec.all() {
		prev, ok := last[d.env.AggregateID]
		if ok {
			assert.Greater(t, d.event.Seq, prev, "aggregate %s out of order", d.env.AggregateID)
		}
		last[d.env.AggregateID] = d.event.Seq
	}
}

func (c Config) testPublishedBeforeSubscribe(t *testing.T) {
	bus := c.newBus(t, c.uniquePrefix(t), nil)
	for i := range 5 {
		publish(t, bus, tested("agg", i))
	}
	var rec recorder
	require.NoError(t, eventbus.Handle(bus, "late", rec.handler("m")))
	start(t, bus)
	eventually(t, c.Timeout, "events published before the group subscribed", func() bool { return rec.distinctSeqs() == 5 })
}

func (c Config) testRedeliveredAfterClose(t *testing.T) {
	prefix := c.uniquePrefix(t)
	first := c.newBus(t, prefix, nil)
	entered := make(chan struct{})
	require.NoError(t, eventbus.Handle(first, "g", func(ctx context.Context, _ commerce.Envelope, _ Tested) error {
		close(entered)
		<-ctx.Done()
		return ctx.Err()
	}))
	start(t, first)
	env := tested("agg", 1)
	publish(t, first, env)
	waitClosed(t, entered, c.Timeout, "the first member to start")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	require.Error(t, first.Close(ctx))

	second := c.newBus(t, prefix, nil)
	var rec recorder
	require.NoError(t, eventbus.Handle(second, "g", rec.handler("m")))
	start(t, second)
	eventually(t, c.Timeout, "the unfinished event at the next member", func() bool { return rec.count() >= 1 })
	assert.Equal(t, env.ID, rec.all()[0].env.ID)
}

func waitClosed(t *testing.T, ch <-chan struct{}, timeout time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(timeout):
		t.Fatalf("timed out after %s waiting for %s", timeout, what)
	}
}

// poisonRecorder collects poisoned events.
type poisonRecorder struct {
	mu  sync.Mutex
	got []eventbus.PoisonedEvent
}

func (p *poisonRecorder) all() []eventbus.PoisonedEvent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]eventbus.PoisonedEvent(nil), p.got...)
}

func subscribePoison(t *testing.T, bus *eventbus.Bus) *poisonRecorder {
	t.Helper()
	rec := &poisonRecorder{}
	require.NoError(t, bus.SubscribePoisoned("ops", func(_ context.Context, p eventbus.PoisonedEvent) error {
		rec.mu.Lock()
		rec.got = append(rec.got, p)
		rec.mu.Unlock()
		return nil
	}))
	return rec
}

// countingDeduplicator counts the deliveries it turned away.
type countingDeduplicator struct {
	eventbus.Deduplicator
	skipped atomic.Int32
}

func (d *countingDeduplicator) Seen(ctx context.Context, key string) (bool, error) {
	seen, err := d.Deduplicator.Seen(ctx, key)
	if seen {
		d.skipped.Add(1)
	}
	return seen, err
}
