// Package ordertest is the conformance suite of order.Store, run through
// the real order.Service with real cart, inventory and payment services
// and the fake payment provider: checkout and its failures, idempotency
// under concurrency, races for the last unit, the state machine, cancels,
// returns and crash recovery between every pair of checkout steps.
//
// An adapter's test calls Run with a function returning fresh stores;
// BenchCheckout measures a full checkout over them.
package ordertest
