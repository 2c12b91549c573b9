package eventbus

import "github.com/ThreeDotsLabs/watermill/message"

// Backend is a message transport a Bus publishes to and consumes from.
// Implementations live beside this package (GoChannel here; pgbus, redisbus,
// natsbus and kafkabus) and a host may write its own; the conformance suite
// in eventbustest states the contract in executable form.
type Backend interface {
	// Publisher returns the backend's publisher. It is safe for concurrent
	// use and owned by the backend: callers never close it.
	Publisher() message.Publisher

	// NewSubscriber returns a fresh subscriber in consumer group group.
	// Subscribers of one group share a topic's messages (each message goes
	// to one of them); every group receives every message. The caller
	// closes the subscriber.
	NewSubscriber(group string) (message.Subscriber, error)

	// Close releases what the backend created. It does not close clients
	// the host passed in (pools, connections), which the host owns. Close
	// is idempotent.
	Close() error
}

// HandledBackend is a Backend whose Publisher returns before the handlers
// ran, and which also offers a publisher that returns only once every
// subscribed consumer group has handled each message, as GoChannel does.
// Bus.Publisher, which outbox relays forward to, publishes through
// HandledPublisher when the backend has one. A wrapper around a backend
// (for metrics or tracing) must offer HandledPublisher whenever the
// backend it wraps does, or a relay acknowledges events a crash can still
// lose.
type HandledBackend interface {
	Backend
	HandledPublisher() message.Publisher
}
