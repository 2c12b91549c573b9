package eventbus_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

// handledBus returns a started bus on GoChannel whose group "g" runs h for
// every eventbustest.Tested.
func handledBus(t *testing.T, opts *eventbus.Options, h func(context.Context, eventbustest.Tested) error) *eventbus.Bus {
	t.Helper()
	if opts == nil {
		opts = &eventbus.Options{}
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	require.NoError(t, eventbus.Handle(bus, "g", func(ctx context.Context, _ commerce.Envelope, e eventbustest.Tested) error {
		return h(ctx, e)
	}))
	require.NoError(t, bus.Start(context.Background()))
	return bus
}

// relayPublish publishes one Tested event through the bus's relay
// publisher in the background and returns its result channel.
func relayPublish(t *testing.T, bus *eventbus.Bus, seq int) <-chan error {
	t.Helper()
	topic, msg, err := bus.Encode(commerce.NewEnvelope("agg", time.Now(), eventbustest.Tested{Seq: seq}))
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- bus.Publisher().Publish(topic, msg) }()
	return done
}

// TestGoChannelRelayPublishReturnsOnceHandled: what a relay forwards to
// the in-process bus is acknowledged only after the handler finished, so a
// crash while it runs leaves the event in the outbox.
func TestGoChannelRelayPublishReturnsOnceHandled(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	free := func() { releaseOnce.Do(func() { close(release) }) }
	bus := handledBus(t, nil, func(context.Context, eventbustest.Tested) error {
		close(started)
		<-release
		return nil
	})
	t.Cleanup(free) // runs before the bus closes, so a failing test does not wait out the drain
	done := relayPublish(t, bus, 1)
	<-started
	select {
	case err := <-done:
		t.Fatalf("Publish returned (%v) while the handler was still running", err)
	case <-time.After(50 * time.Millisecond):
		// Still waiting, as it must; the timer only bounds how long we
		// look for a premature return.
	}
	free()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(commercetest.AwaitTimeout(t)):
		t.Fatal("Publish did not return after the handler finished")
	}
}

// TestGoChannelRelayPublishReturnsOncePoisoned: a handler that fails on
// every attempt is retried, then poisoned, and only then is the relay's
// publish done.
func TestGoChannelRelayPublishReturnsOncePoisoned(t *testing.T) {
	attempts := make(chan struct{}, 10)
	bus := handledBus(t, &eventbus.Options{Retry: eventbus.RetryPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond, MaxInterval: time.Millisecond}},
		func(context.Context, eventbustest.Tested) error {
			attempts <- struct{}{}
			return errors.New("always fails")
		})
	select {
	case err := <-relayPublish(t, bus, 1):
		require.NoError(t, err)
	case <-time.After(commercetest.AwaitTimeout(t)):
		t.Fatal("Publish did not return once the event was poisoned")
	}
	assert.Len(t, attempts, 3, "every attempt ran before Publish returned")
}

// TestGoChannelRelayPublishFailsWhenTheBusStopsFirst: a bus closed while
// the handler runs, which is cut off, makes the relay's publish fail, so
// the relay does not acknowledge an event that was never handled.
func TestGoChannelRelayPublishFailsWhenTheBusStopsFirst(t *testing.T) {
	started := make(chan struct{})
	bus := handledBus(t, &eventbus.Options{Retry: eventbus.RetryPolicy{MaxAttempts: 1}}, func(ctx context.Context, _ eventbustest.Tested) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	done := relayPublish(t, bus, 1)
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_ = bus.Close(ctx) // the handler outlives the deadline and is cancelled
	select {
	case err := <-done:
		assert.Error(t, err, "a relay must not acknowledge an event whose handler was cut off")
	case <-time.After(commercetest.AwaitTimeout(t)):
		t.Fatal("Publish did not return after the bus closed")
	}
}
