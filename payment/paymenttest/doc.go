// Package paymenttest holds the conformance suites of the payment ports.
//
// [Run] is the store suite: it drives the real payment.Service over the
// store under test and the fake provider, so it proves the whole contract
// (state machine, idempotency, refund limits under concurrency, webhook
// deduplication, events, and never a double charge):
//
//	func TestPaymentStore(t *testing.T) {
//		paymenttest.Run(t, func(t testing.TB, events commerce.EventPublisher) payment.Store {
//			return mystore.New(..., events)
//		})
//	}
//
// [RunProvider] is the provider suite, run against the fake and against the
// Stripe adapter on stripe-mock; [Capabilities] says which expectations a
// provider (or its test double) can meet.
package paymenttest
