// Package ordertest is the conformance suite of order.Store, run through
// the real order.Service with real cart, inventory and payment services
// and the fake payment provider: checkout and its failures, idempotency
// under concurrency, races for the last unit, the state machine, cancels,
// returns and crash recovery between every pair of checkout steps.
//
// An adapter's test calls Run with a function returning fresh stores;
// BenchCheckout measures a full checkout over them. RunWith runs the same
// suite with the order services reaching the carts, the stock and the
// payments through ports the caller supplies (Options.Ports): serving the
// in-process services over loopback RPC and handing the order service the
// network clients proves the clients keep the contracts of order.Carts,
// order.Stock and order.Payments, crash tests and races included.
package ordertest
