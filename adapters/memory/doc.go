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
// back into the store. An event is lost only if the process dies between the
// two steps, which for an in-memory store loses the change too.
package memory
