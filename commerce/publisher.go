package commerce

import "context"

// EventPublisher hands domain events to whatever delivers them: an
// *eventbus.Bus, a test recorder, or a store's outbox. Services and stores
// depend on this interface rather than on a bus so that a host embedding
// only one package pulls in no messaging code.
//
// Publish either accepts every event or returns an error; it is safe for
// concurrent use.
type EventPublisher interface {
	Publish(ctx context.Context, events ...Envelope) error
}

// DiscardEvents is an EventPublisher that drops every event. It suits a
// host that consumes none of a package's events.
type DiscardEvents struct{}

// Publish drops events and reports success.
func (DiscardEvents) Publish(context.Context, ...Envelope) error { return nil }
