package notify_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

// TestNotifyPermanentFailureIsPoisonedAtOnce: an event the notifier can
// never handle (its directory has no customer service, which is
// FailedPrecondition) runs the handler once and goes straight to the bus's
// poison topic, instead of being retried and poisoned later.
func TestNotifyPermanentFailureIsPoisonedAtOnce(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)

	mail := notifytest.NewScriptedChannel("smtp", notify.Email)
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{mail}, &notify.CustomerDir{},
		&notify.Options{Logger: quiet})
	require.NoError(t, err)

	// Five quick attempts: without one permanence rule the handler would
	// run five times before the event is poisoned.
	bus, err := eventbus.New(eventbus.NewGoChannel(quiet), &eventbus.Options{
		Logger: quiet,
		Retry:  eventbus.RetryPolicy{MaxAttempts: 5, InitialInterval: time.Millisecond, MaxInterval: time.Millisecond},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })

	var runs atomic.Int32
	for _, name := range svc.Events() {
		h, _ := svc.Handler(name)
		require.NoError(t, bus.Subscribe("notify", name, func(ctx context.Context, env commerce.Envelope) error {
			runs.Add(1)
			return h(ctx, env)
		}))
	}
	poisoned := make(chan eventbus.PoisonedEvent, 1)
	require.NoError(t, bus.SubscribePoisoned("ops", func(_ context.Context, p eventbus.PoisonedEvent) error {
		poisoned <- p
		return nil
	}))
	require.NoError(t, bus.Start(ctx))

	id := commerce.NewID[commerce.CustomerID]()
	env := commerce.NewEnvelope(id.String(), time.Now(), customer.Registered{CustomerID: id, Email: "ada@example.com", Name: "Ada"})
	require.NoError(t, bus.Publish(ctx, env))

	select {
	case p := <-poisoned:
		assert.Equal(t, env.ID.String(), p.EventID)
		assert.Equal(t, "notify/customer.registered", p.Handler)
		assert.Contains(t, p.Reason, "failed_precondition")
	case <-time.After(10 * time.Second):
		t.Fatal("the event never reached the poison topic")
	}
	assert.Equal(t, int32(1), runs.Load(), "a permanent failure must not be retried")
	assert.Empty(t, mail.Delivered())
}
