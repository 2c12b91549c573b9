// Package pgbus carries Mercato's events through PostgreSQL, with
// Watermill's SQL transport over the host's pgx pool.
//
// It offers two things:
//
//   - Backend, an eventbus.Backend whose topics are tables: a durable bus
//     that needs nothing but the database a shop already runs.
//   - Outbox and Relay, the transactional outbox: Outbox.Publish writes
//     events inside the caller's pgx transaction, so they commit or roll
//     back with the state change they describe, and Relay forwards
//     committed events to any bus (GoChannel, Redis, NATS, Kafka or this
//     package's Backend) a batch at a time, the events of one aggregate in
//     order and other aggregates' beside them (OutboxOptions.RelayLanes).
//     A crash between commit and relay loses nothing: the relay resumes
//     from its stored offset, which it moves only past what the bus took,
//     deleting the rows it moves past, so the outbox table holds only
//     what is still to be forwarded. Each row is the event's own JSON,
//     which an operator can query. Outbox.Encode encodes events ahead of
//     their transaction, so that one holding contended locks does not
//     spend them encoding.
//
// A Backend's consumers wait for new rows by polling; Options.PollInterval
// trades latency for idle queries. A Relay does not poll: NewOutbox puts a
// statement trigger on the outbox table that notifies (pg_notify) a
// channel named like the table, PostgreSQL delivers that notification when
// the inserting transaction commits, and the relay, LISTENing on a
// connection of its own, queries then. A slow fallback poll
// (OutboxOptions.FallbackPollInterval) covers notifications missed while
// that connection was being re-established, so an idle relay costs one
// query every few seconds and a committed event is still never lost.
// Every subscriber holds one pooled connection (inside a transaction)
// while its message is being handled, so size the pool for the number of
// subscribers plus the publishers.
//
// Delivery waits for older transactions: a consumer reads only rows whose
// transaction ID is below the oldest transaction still running on the
// PostgreSQL server (Watermill's guard against skipping a row that an
// older transaction commits later). That horizon is server-wide, so one
// long transaction anywhere on the server, in any database, holds every
// consumer back until it ends, and each consumer holds its own
// transaction open while its message is handled. Keep transactions short,
// and expect delivery to lag behind the longest of them.
package pgbus
