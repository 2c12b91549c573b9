package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/commerce"
)

// Outbox writes events inside the caller's transaction, so they become
// visible exactly when it commits. *pgbus.Outbox implements it.
type Outbox interface {
	Publish(ctx context.Context, tx pgx.Tx, events ...commerce.Envelope) error
}

// Options configures the stores of this package. A nil *Options is the
// zero value.
type Options struct {
	// Outbox receives the events of every change, in the change's
	// transaction. Nil discards events: only for hosts that consume none.
	Outbox Outbox
}

// publish writes events into the outbox within tx, or drops them when the
// store has no outbox.
func (o *Options) publish(ctx context.Context, tx pgx.Tx, events []commerce.Envelope) error {
	if o == nil || o.Outbox == nil || len(events) == 0 {
		return nil
	}
	if err := o.Outbox.Publish(ctx, tx, events...); err != nil {
		return classify(err, "write events to the outbox")
	}
	return nil
}
