// Package natsbus is an eventbus.Backend on NATS JetStream, built from the
// *nats.Conn the host already has.
//
// # Topology
//
// Every topic is a stream of the same name holding the one subject of the
// same name (eventbus topics are [A-Za-z0-9_-], valid as both). Streams
// are created on first publish or subscribe with limits retention, file
// storage and Options.Replicas and Options.MaxAge; a stream that already
// exists is used as it is, so operators may tune it.
//
// Every consumer group is a durable push consumer named after the group on
// each topic's stream, with a deliver group of the same name. Members of a
// group, in one process or many, join that deliver group, so each event
// goes to one of them; every group has its own consumer, so every group
// receives every event. A new group starts from the oldest event the
// stream still holds. Consumers outlive their members, which is what lets
// a group resume where it stopped; a group that is retired for good
// leaves its consumers behind (remove them with `nats consumer rm`).
//
// # Delivery
//
// Delivery is at-least-once. An event is acked once the bus's handler
// succeeded (or moved it to the poison topic). An event not acked within
// Options.AckWaitTimeout, because its member died or its handler ran too
// long, is redelivered to the group; a nacked event is redelivered after
// Options.NakDelay. Closing a subscriber waits for the events it handed
// out to be acked and gives back the ones it had buffered.
//
// With Options.SubscribersCount at 1 (the default) a member handles one
// event at a time in stream order, so a group with one member sees each
// aggregate's events in publish order. Redeliveries and groups with
// several members do not keep that order.
//
// Publishing does not set Nats-Msg-Id, so JetStream does not deduplicate
// by message ID: Bus.Replay republishes a poisoned event under its
// original ID and must have it delivered again. Deduplication is the
// bus's job.
//
// # Connection
//
// The backend never closes or drains the connection, not even when the
// Watermill router closes its subscribers; the host closes it after the
// bus. Messages use Watermill's NATSMarshaler format (metadata as
// headers), so other Watermill NATS clients can read them.
package natsbus
