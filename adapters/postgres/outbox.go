package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus/pgbus"
)

// Outbox writes events inside the caller's transaction, so they become
// visible exactly when it commits. *pgbus.Outbox implements it.
type Outbox interface {
	Publish(ctx context.Context, tx pgx.Tx, events ...commerce.Envelope) error
}

// DiscardEvents is an Outbox that writes nothing. Pass it as
// Options.Outbox to drop a store's events on purpose.
type DiscardEvents struct{}

// Publish writes nothing and reports success.
func (DiscardEvents) Publish(context.Context, pgx.Tx, ...commerce.Envelope) error { return nil }

// Options configures the stores of this package.
type Options struct {
	// Outbox receives the events of every change, in the change's
	// transaction. Required by every store that publishes events (all but
	// the NotifyStore): the constructors that return an error refuse a
	// missing one, and the order and payment stores refuse their writes,
	// rather than drop events no one decided to drop. DiscardEvents{}
	// drops them on purpose.
	Outbox Outbox
}

// errNoOutbox refuses a store made without Options.Outbox.
var errNoOutbox = commerce.Errorf(commerce.CodeInvalidArgument,
	"postgres: the store has no outbox: set Options.Outbox (postgres.DiscardEvents{} drops events on purpose)").
	WithDetail("field", "Outbox")

// validate reports a missing outbox.
func (o *Options) validate() error {
	if o == nil || o.Outbox == nil {
		return errNoOutbox
	}
	return nil
}

// publish writes events into the outbox within tx.
func (o *Options) publish(ctx context.Context, tx pgx.Tx, events []commerce.Envelope) error {
	if err := o.validate(); err != nil {
		return err
	}
	if len(events) == 0 {
		return nil
	}
	if a, ok := o.Outbox.(announcer); ok {
		if p, ok := tx.(*pipeTx); ok {
			return classify(p.publishAtCommit(a, events), "encode events for the outbox")
		}
	}
	if err := o.Outbox.Publish(ctx, tx, events...); err != nil {
		return classify(err, "write events to the outbox")
	}
	return nil
}

// announcer is an Outbox that can leave waking its relays until after the
// commit (*pgbus.Outbox): PostgreSQL commits transactions that notify one
// at a time, so the pipelined transactions of concurrent checkouts write
// quietly and announce once committed.
type announcer interface {
	Encode(events ...commerce.Envelope) (pgbus.Encoded, error)
	PublishEncodedQuiet(ctx context.Context, tx pgx.Tx, encoded ...pgbus.Encoded) error
	Announce(ctx context.Context) error
}
