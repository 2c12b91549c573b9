// Package eventbus publishes and consumes Mercato's domain events over
// Watermill.
//
// A Bus sits on a Backend — a transport that can publish to a topic and hand
// out subscribers that join a named consumer group. Within a group each event
// is handled once; every group receives every event. The in-process
// GoChannel backend is the default; the subpackages pgbus (PostgreSQL, with a
// transactional outbox), redisbus (Redis Streams), natsbus (NATS JetStream)
// and kafkabus (Kafka) are durable backends built from clients the host
// already has.
//
// Each event name is its own topic. Handlers run behind a fixed middleware
// chain: panics become errors, failures are retried with exponential
// backoff, an event that still fails after the last attempt is moved to the
// poison topic (so it is never lost and never blocks the events behind it),
// and an event ID already handled by the group is skipped. Delivery is
// at-least-once: handlers must be idempotent, and the deduplication is a
// fast path, not a guarantee across restarts.
package eventbus
