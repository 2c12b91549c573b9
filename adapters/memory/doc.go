// Package memory implements every Mercato store port in process memory.
//
// These stores are the defaults for the demo shop, for unit tests and for
// hosts that keep state elsewhere. They honour the same contracts as the
// durable adapters (each runs its port's conformance suite): writes are
// atomic, concurrent writers never lose an update, and every query returns
// copies the caller may modify. Nothing survives the process.
//
// Events: a store publishes the events of a change to [Options.Events]
// after the change is applied and outside its lock, so handlers may call
// back into the store. A publisher that fails then (a bus that is down)
// makes the write return Unavailable although the change stands, and its
// events are gone. An [Outbox] as Options.Events closes that gap: it takes
// the events at once and forwards them to the bus, retrying until the bus
// takes them. An event is then lost only if the process dies, which for
// an in-memory store loses the change too.
package memory
