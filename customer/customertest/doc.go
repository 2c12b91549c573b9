// Package customertest is the conformance suite for customer.Store. It
// drives the real *customer.Service over the store under test, so an
// adapter that passes it honours the contract end to end: normalised and
// unique e-mails, guest upgrades, credentials, sessions and their
// revocation, single-use password resets, events, and races.
//
// An adapter runs it from a few lines of test:
//
//	func TestCustomerStore(t *testing.T) {
//		customertest.Run(t, func(t testing.TB, events commerce.EventPublisher) customer.Store {
//			return memory.NewCustomerStore(&memory.Options{Events: events})
//		})
//	}
package customertest
