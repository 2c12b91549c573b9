package memory

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Options configures the stores of this package.
type Options struct {
	// Events receives the events of every committed change, e.g. an
	// *eventbus.Bus or an *Outbox. Required by every store that publishes
	// events (all but the NotifyStore): a store without it refuses every
	// write with InvalidArgument rather than drop events no one decided
	// to drop. commerce.DiscardEvents{} drops them on purpose.
	Events commerce.EventPublisher
}

func (o *Options) publisher() commerce.EventPublisher {
	if o == nil || o.Events == nil {
		return nil
	}
	return o.Events
}

// errNoPublisher refuses the writes of a store made without
// Options.Events.
var errNoPublisher = commerce.Errorf(commerce.CodeInvalidArgument,
	"memory: the store has no event publisher: set Options.Events (commerce.DiscardEvents{} drops events on purpose)").
	WithDetail("field", "Events")

// publish hands the events of a change to pub before the change is
// applied, under the store's lock: a change stands only with its events
// published, as a database commits a change with its outbox rows. A
// failure is reported as Unavailable and the caller applies nothing, so a
// retry applies the change once.
func publish(ctx context.Context, pub commerce.EventPublisher, events []commerce.Envelope) error {
	if pub == nil {
		return errNoPublisher
	}
	if len(events) == 0 {
		return nil
	}
	if err := pub.Publish(context.WithoutCancel(ctx), events...); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: events not published, change not applied: %w", err)
	}
	return nil
}
