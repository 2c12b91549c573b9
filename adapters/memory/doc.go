// Package memory implements every Mercato store port in process memory.
//
// These stores are the defaults for the demo shop, for unit tests and for
// hosts that keep state elsewhere. They honour the same contracts as the
// durable adapters (each runs its port's conformance suite): writes are
// atomic, concurrent writers never lose an update, and every query returns
// copies the caller may modify. Nothing survives the process.
//
// Events: a store publishes the events of a change to [Options.Events]
// under its lock, before it applies the change, and applies it only once
// they are published: a change and its events stand together or not at
// all, as a database commits a change with its outbox rows. A publisher
// that fails (a bus that is down) makes the write return Unavailable with
// nothing applied, so the caller's retry applies it once. The publisher is
// called with the store's lock held: it must not call back into the store
// before it returns. An *eventbus.Bus returns before its handlers run, and
// an [Outbox] only queues the events (and forwards them to the bus,
// retrying until the bus takes them), so both may be used; handlers read
// the store once the change is applied.
package memory
