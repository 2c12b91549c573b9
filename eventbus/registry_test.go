package eventbus_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// A bus built without a registry decodes every domain event: a host that
// subscribes notify's handlers, or any domain event by name, has nothing
// to register first.
func TestDefaultRegistryHoldsEveryDomainEvent(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	bus, err := eventbus.New(eventbus.NewGoChannel(quiet), &eventbus.Options{Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })

	want := commerce.NewEventRegistry()
	for _, register := range []func(*commerce.EventRegistry){
		catalog.RegisterEvents, customer.RegisterEvents, cart.RegisterEvents, inventory.RegisterEvents,
		payment.RegisterEvents, order.RegisterEvents, notify.RegisterEvents,
	} {
		register(want)
	}
	require.NotEmpty(t, want.Names())
	assert.Equal(t, want.Names(), bus.Registry().Names())
	for _, name := range want.Names() {
		err := bus.Subscribe("registry-test", name, func(context.Context, commerce.Envelope) error { return nil })
		assert.NoError(t, err, "subscribe %s", name)
	}
}

// A host's own registry gets the domain events with one call, and keeps
// its own.
func TestRegisterDomainEventsKeepsHostEvents(t *testing.T) {
	r := commerce.NewEventRegistry()
	require.NoError(t, commerce.RegisterEvent[giftWrapped](r))
	eventbus.RegisterDomainEvents(r)
	assert.True(t, r.Registered("gift.wrapped"))
	assert.Equal(t, eventbus.NewRegistry().Names(), without(r.Names(), "gift.wrapped"))
}

type giftWrapped struct{}

func (giftWrapped) EventName() string { return "gift.wrapped" }

func without(names []string, drop string) []string {
	out := names[:0:0]
	for _, n := range names {
		if n != drop {
			out = append(out, n)
		}
	}
	return out
}
