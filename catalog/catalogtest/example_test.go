package catalogtest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/catalogtest"
	"github.com/mercatohq/mercato/commerce"
)

// A store proves itself by running the suite from its own test, here the
// memory store's. The suite drives a real catalog.Service over the store
// and checks the events it publishes.
func Example() {
	newStore := func(_ testing.TB, events commerce.EventPublisher) catalog.Store {
		return memory.NewCatalogStore(&memory.Options{Events: events})
	}
	_ = func(t *testing.T) { catalogtest.Run(t, newStore) } // in TestCatalogStore
	// Output:
}
