package notify_test

import (
	"context"
	"log/slog"
	"strings"
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

// forgetful is a Deduplicator that remembers nothing, so the bus hands
// every redelivery to the handler and the notify store alone must keep
// the send single.
type forgetful struct{}

func (forgetful) Seen(context.Context, string) (bool, error) { return false, nil }
func (forgetful) Mark(context.Context, string) error         { return nil }

// TestNotifyPasswordResetThroughTheBus publishes customer.password_reset_requested
// on the in-process bus, twice with the same event ID: one email arrives.
func TestNotifyPasswordResetThroughTheBus(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)

	customers, err := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	ada, err := customers.Register(ctx, customer.RegisterInput{Email: "ada@example.com", Name: "Ada", Password: "correct horse battery"})
	require.NoError(t, err)

	mail := notifytest.NewScriptedChannel("smtp", notify.Email)
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{mail}, notify.CustomerDirectory(customers),
		&notify.Options{ShopName: "Tea Shop", BaseURL: "https://tea.example", Logger: quiet})
	require.NoError(t, err)

	registry := commerce.NewEventRegistry()
	notify.RegisterEvents(registry)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Registry: registry, Logger: quiet, Deduplicator: forgetful{}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	handled := make(chan error, 10)
	for _, name := range svc.Events() {
		h, _ := svc.Handler(name)
		require.NoError(t, bus.Subscribe("notify", name, func(ctx context.Context, env commerce.Envelope) error {
			err := h(ctx, env)
			handled <- err
			return err
		}))
	}
	require.NoError(t, bus.Start(ctx))

	env := commerce.NewEnvelope(ada.ID.String(), time.Now(), customer.PasswordResetRequested{
		CustomerID: ada.ID, Email: ada.Email, Name: ada.Name, Token: "secret-token", ExpiresAt: time.Now().Add(time.Hour),
	})
	for range 2 {
		require.NoError(t, bus.Publish(ctx, env))
		select {
		case err := <-handled:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("the event never reached the notifier")
		}
	}
	sent := mail.Delivered()
	require.Len(t, sent, 1, "the redelivered event sends nothing")
	assert.Equal(t, "ada@example.com", sent[0].To)
	assert.Equal(t, "Reset your Tea Shop password", sent[0].Subject)
	assert.True(t, strings.Contains(sent[0].Text, "https://tea.example/account/reset-password?token=secret-token"), sent[0].Text)
}
