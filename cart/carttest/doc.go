// Package carttest is the conformance suite of cart.Store.
//
// An adapter's test calls [Run] with a constructor of fresh, empty stores
// whose committed events reach the publisher it is given (directly, or
// through the adapter's outbox relay). The suite drives the real
// *cart.Service over the store, with a test clock and an in-suite price
// table as its Pricer, so it proves the whole contract: every operation,
// every limit and error code (and that a failed operation changes nothing
// and publishes nothing), merge strategies, attaching carts at login,
// expiry, repricing, the customer index, the store port itself, and the
// races the port exists for: fifty writers adding fifty SKUs to one cart,
// fifty raising one line, and concurrent merges and attaches that must
// not lose an item.
//
// [BenchAddItem] is the AddItem benchmark every store can run.
package carttest
