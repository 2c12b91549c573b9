package memory

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Options configures the stores of this package. A nil *Options is the
// zero value.
type Options struct {
	// Events receives the events of every committed change, e.g. an
	// *eventbus.Bus. Nil discards them.
	Events commerce.EventPublisher
}

func (o *Options) publisher() commerce.EventPublisher {
	if o == nil || o.Events == nil {
		return commerce.DiscardEvents{}
	}
	return o.Events
}

// publish hands the events of a change to pub before the change is
// applied, under the store's lock: a change stands only with its events
// published, as a database commits a change with its outbox rows. A
// failure is reported as Unavailable and the caller applies nothing, so a
// retry applies the change once.
func publish(ctx context.Context, pub commerce.EventPublisher, events []commerce.Envelope) error {
	if len(events) == 0 {
		return nil
	}
	if err := pub.Publish(context.WithoutCancel(ctx), events...); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: events not published, change not applied: %w", err)
	}
	return nil
}
