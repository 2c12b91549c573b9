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

// publish hands the events of an applied change to pub. A failure is
// reported to the caller as Unavailable: the change itself stands.
func publish(ctx context.Context, pub commerce.EventPublisher, events []commerce.Envelope) error {
	if len(events) == 0 {
		return nil
	}
	if err := pub.Publish(context.WithoutCancel(ctx), events...); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: change applied but its events were not published: %w", err)
	}
	return nil
}
