// Package inventorytest is the conformance suite of inventory.Store.
//
// An adapter's test calls [Run] (or [RunConfig], to also cut connections)
// with a constructor of fresh, empty stores. The suite drives the real
// *inventory.Service over the store, so it proves the whole contract:
// levels and the ledger, reservations and their state machine, expiry,
// events, every error code, and the races the port exists for: a hundred
// buyers for the last ten units, reserve/release/deduct storms over
// overlapping SKUs, one reservation ID reserved concurrently, and writes
// cut off mid-transaction leaving nothing behind.
package inventorytest
