package pgbus_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestRelayForwardsOtherAggregatesWhileOneWaits: the relay forwards the
// events of a batch side by side, so an event whose handler waits for a
// later event of another aggregate does not hold every later one up
// (forwarded one at a time, they would wait for each other forever).
// Several later aggregates, since lanes are shared by hash.
func TestRelayForwardsOtherAggregatesWhileOneWaits(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	later := make(chan struct{})
	var firstDone sync.Once
	require.NoError(t, eventbus.Handle(bus, "lanes", func(ctx context.Context, _ commerce.Envelope, e orderPlaced) error {
		switch e.OrderID {
		case "ord_first":
			select {
			case <-later:
				return nil
			case <-time.After(waitFor):
				return fmt.Errorf("the later event was never handled while this one waited")
			}
		default:
			firstDone.Do(func() { close(later) })
		}
		return nil
	}))
	require.NoError(t, bus.Start(ctx))
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet}})
	require.NoError(t, err)
	// Both in one transaction, so the relay reads them in one batch.
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		evs := []commerce.Envelope{commerce.NewEnvelope("ord_first", time.Now(), orderPlaced{OrderID: "ord_first"})}
		for i := range 8 {
			id := fmt.Sprintf("ord_later_%d", i)
			evs = append(evs, commerce.NewEnvelope(id, time.Now(), orderPlaced{OrderID: id}))
		}
		return outbox.Publish(ctx, tx, evs...)
	}))
	relay, err := pgbus.NewRelay(pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 10 * time.Millisecond}})
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	select {
	case <-later:
	case <-time.After(waitFor):
		t.Fatal("no later event was forwarded while the first one's handler waited")
	}
}

// TestRelayKeepsTheOrderOfOneAggregate: events of one aggregate reach a
// handler in outbox order, however many other aggregates' events are
// forwarded beside them, within a batch and across batches.
func TestRelayKeepsTheOrderOfOneAggregate(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	var (
		mu  sync.Mutex
		got = map[string][]int{}
		n   int
	)
	require.NoError(t, eventbus.Handle(bus, "order", func(_ context.Context, env commerce.Envelope, e orderPlaced) error {
		var seq int
		if _, err := fmt.Sscanf(e.OrderID, "seq_%d", &seq); err != nil {
			return commerce.Permanent(err)
		}
		mu.Lock()
		got[env.AggregateID] = append(got[env.AggregateID], seq)
		n++
		mu.Unlock()
		return nil
	}))
	require.NoError(t, bus.Start(ctx))
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet}})
	require.NoError(t, err)
	const aggregates, perAggregate = 10, 30
	for round := range perAggregate {
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			var evs []commerce.Envelope
			for a := range aggregates {
				evs = append(evs, commerce.NewEnvelope(fmt.Sprintf("agg_%d", a), time.Now(), orderPlaced{OrderID: fmt.Sprintf("seq_%d", round)}))
			}
			return outbox.Publish(ctx, tx, evs...)
		}))
	}
	// Small batches, so the order holds across batches too.
	relay, err := pgbus.NewRelay(pool, bus, &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 10 * time.Millisecond, BatchSize: 7}, RelayLanes: 4})
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return n == aggregates*perAggregate
	}, waitFor, 5*time.Millisecond, "every event forwarded")
	mu.Lock()
	defer mu.Unlock()
	want := make([]int, perAggregate)
	for i := range want {
		want[i] = i
	}
	for a := range aggregates {
		assert.Equal(t, want, got[fmt.Sprintf("agg_%d", a)], "agg_%d's events in outbox order", a)
	}
}
