package pgbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

type relayTested struct {
	N int `json:"n"`
}

func (relayTested) EventName() string { return "relaytest.tested" }

// quietBus returns an in-process bus, closed when the test ends, and the
// logger it and the outbox under test log to, which discards everything.
func quietBus(t *testing.T) (*eventbus.Bus, *slog.Logger) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	bus, err := eventbus.New(eventbus.NewGoChannel(log), &eventbus.Options{Logger: log})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	return bus, log
}

// flakyPublisher fails the first publish of the event with ID failID,
// then passes everything on, recording what it published.
type flakyPublisher struct {
	next   message.Publisher
	failID string
	// check runs before the retried publish of failID.
	check func()

	mu        sync.Mutex
	failed    bool
	published map[string]int
}

func (p *flakyPublisher) Publish(topic string, msgs ...*message.Message) error {
	for _, m := range msgs {
		p.mu.Lock()
		fail := m.UUID == p.failID && !p.failed
		retry := m.UUID == p.failID && p.failed
		p.failed = p.failed || fail
		p.mu.Unlock()
		if fail {
			return errors.New("the bus refused it this once")
		}
		if retry && p.check != nil {
			p.check()
		}
		if err := p.next.Publish(topic, m); err != nil {
			return err
		}
		p.mu.Lock()
		p.published[m.UUID]++
		p.mu.Unlock()
	}
	return nil
}

func (p *flakyPublisher) Close() error { return nil }

// TestRelayFailureMovesThePositionOnlyPastWhatWasForwarded: when the bus
// refuses one event of a batch, the relay acknowledges only the rows
// before it, reads the rest again and forwards them: nothing is lost, and
// the refused event is offered again.
func TestRelayFailureMovesThePositionOnlyPastWhatWasForwarded(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	bus, log := quietBus(t)
	var (
		mu      sync.Mutex
		handled = map[int]bool{}
	)
	require.NoError(t, eventbus.Handle(bus, "g", func(_ context.Context, _ commerce.Envelope, e relayTested) error {
		mu.Lock()
		handled[e.N] = true
		mu.Unlock()
		return nil
	}))
	require.NoError(t, bus.Start(ctx))
	opts := &OutboxOptions{Options: Options{Logger: log, PollInterval: 10 * time.Millisecond, ResendInterval: 10 * time.Millisecond}}
	outbox, err := NewOutbox(ctx, pool, bus, opts)
	require.NoError(t, err)
	const events, refused = 20, 7
	var envs []commerce.Envelope
	for i := range events {
		envs = append(envs, commerce.NewEnvelope(fmt.Sprintf("agg_%d", i), time.Now(), relayTested{N: i}))
	}
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Publish(ctx, tx, envs...) }))

	relay, err := NewRelay(pool, bus, opts)
	require.NoError(t, err)
	var refusedOffset int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT "offset" FROM watermill_mercato_outbox WHERE uuid = $1`, envs[refused].ID.String()).Scan(&refusedOffset))
	var positionAtRetry int64 = -1
	flaky := &flakyPublisher{next: relay.pub, failID: envs[refused].ID.String(), published: map[string]int{}, check: func() {
		_ = pool.QueryRow(ctx, `SELECT offset_acked FROM watermill_offsets_mercato_outbox WHERE consumer_group = $1`, relayGroup).Scan(&positionAtRetry)
	}}
	relay.pub = flaky
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })

	// The handler runs inside the bus's Publish, so the publisher counts
	// an event only after it was handled: wait for both.
	require.Eventually(t, func() bool {
		mu.Lock()
		all := len(handled) == events
		mu.Unlock()
		flaky.mu.Lock()
		counted := flaky.published[envs[refused].ID.String()] > 0
		flaky.mu.Unlock()
		return all && counted
	}, 15*time.Second, 5*time.Millisecond, "every event handled and counted, the refused one included")
	flaky.mu.Lock()
	defer flaky.mu.Unlock()
	assert.True(t, flaky.failed, "the refused event was refused once")
	assert.Equal(t, 1, flaky.published[envs[refused].ID.String()], "then forwarded")
	assert.GreaterOrEqual(t, positionAtRetry, int64(0), "the position was read at the retry")
	assert.Less(t, positionAtRetry, refusedOffset, "the position never passed the refused row before it was forwarded")
}

// TestIdleWait: a relay polls at its interval right after a notification,
// then waits as long again as it has waited beyond the hot window (rows a
// long transaction hides are found soon after it ends), and never longer
// than the fallback poll.
func TestIdleWait(t *testing.T) {
	const poll, fallback = 100 * time.Millisecond, 10 * time.Second
	cases := []struct {
		sinceWake, want time.Duration
	}{
		{0, poll},
		{hotWindow - time.Millisecond, poll},
		{hotWindow, poll},
		{hotWindow + 50*time.Millisecond, poll},
		{hotWindow + time.Second, time.Second},
		{hotWindow + 4*time.Second, 4 * time.Second},
		{hotWindow + time.Minute, fallback},
		{time.Since(time.Unix(0, 0)), fallback}, // never woken
	}
	for _, c := range cases {
		assert.Equal(t, c.want, idleWait(c.sinceWake, poll, fallback), "%s after the wake", c.sinceWake)
	}
	assert.Equal(t, 50*time.Millisecond, idleWait(0, time.Hour, 50*time.Millisecond), "the fallback bounds the poll too")
	assert.Equal(t, time.Hour, idleWait(hotWindow+time.Second, time.Hour, 2*time.Hour), "never under the poll interval")
}

// TestRelayCaughtUp: only a whole batch makes the relay query again at
// once; a partial or empty one waits for the next notification, and a
// failure for the error backoff.
func TestRelayCaughtUp(t *testing.T) {
	r := &Relay{opts: OutboxOptions{Options: Options{BatchSize: 10}}}
	assert.True(t, r.caughtUp(0, nil), "an empty read")
	assert.True(t, r.caughtUp(1, nil), "one row of ten")
	assert.True(t, r.caughtUp(9, nil), "nine rows of ten")
	assert.False(t, r.caughtUp(10, nil), "a whole batch may have left rows behind")
	assert.False(t, r.caughtUp(3, errors.New("the bus refused one")), "a failure retries as the error backoff says")
}
