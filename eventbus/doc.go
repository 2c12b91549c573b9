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
//
// The chain is Mercato's own, not Watermill's router middleware, and
// differs from it where that matters to a commerce event. Retries stop at
// once on a permanent error (commerce.IsPermanent), and a retry cut short
// by Close nacks the event for redelivery rather than poisoning it;
// Watermill's Retry retries every error unless told otherwise, stops only
// when the message's context ends, and reports that as a failure. The
// poisoned copy names its reason, handler and source topic under
// MetadataPoisonReason, MetadataPoisonHandler and MetadataPoisonTopic (not
// Watermill's reason_poisoned, handler_poisoned, topic_poisoned), and
// Bus.SubscribePoisoned and Bus.Replay read it back. Deduplication is keyed
// by consumer group, event name and event ID, and an event is marked only
// after its handler succeeded; Watermill's Deduplicator hashes the payload
// and records it before the handler runs, so it would skip the redelivery
// of an event whose handler failed, and treat two distinct events with
// equal payloads as one.
package eventbus
