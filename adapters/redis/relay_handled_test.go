package redis_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestOutboxRelayIntoGoChannelAcksOnceHandled: relaying into the
// in-process bus, the relay acknowledges a stream entry only once the
// handler of its event has finished, so a crash while it runs leaves the
// entry to be relayed again.
func TestOutboxRelayIntoGoChannelAcksOnceHandled(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	registry := commerce.NewEventRegistry()
	cart.RegisterEvents(registry)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Registry: registry, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	started, release := make(chan struct{}, 1), make(chan struct{})
	released := false
	free := func() {
		if !released {
			released = true
			close(release)
		}
	}
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	t.Cleanup(free) // before the bus closes
	require.NoError(t, bus.Subscribe("g", "cart.created", func(context.Context, commerce.Envelope) error {
		started <- struct{}{}
		<-release
		return nil
	}))
	require.NoError(t, bus.Start(ctx))
	relay, err := store.NewOutboxRelay(bus, &redis.RelayOptions{Block: 20 * time.Millisecond, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(context.Background()) })

	_, err = svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	select {
	case <-started:
	case <-time.After(commercetest.AwaitTimeout(t)):
		t.Fatal("the handler never ran")
	}
	pending := func() int64 {
		p, err := env.Client.XPending(ctx, store.OutboxStream(), redis.DefaultGroup).Result()
		require.NoError(t, err)
		return p.Count
	}
	require.EqualValues(t, 1, pending(), "the entry is not acknowledged while its handler runs")
	free()
	require.Eventually(t, func() bool { return pending() == 0 }, commercetest.AwaitTimeout(t), 5*time.Millisecond,
		"acknowledged once handled")
}
