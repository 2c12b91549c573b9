// Package catalogtest is the conformance suite for catalog.Store. It
// drives a real catalog.Service over the store under test, so it proves
// the whole contract end to end: results, error codes, atomicity, events
// and behaviour under concurrency.
//
// An adapter runs it from a test:
//
//	func TestCatalogStore(t *testing.T) {
//		catalogtest.Run(t, func(t testing.TB, events commerce.EventPublisher) catalog.Store {
//			return memory.NewCatalogStore(&memory.Options{Events: events})
//		})
//	}
package catalogtest
