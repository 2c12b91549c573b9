package customertest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/customer/customertest"
)

// A store proves itself by running the suite from its own test.
func Example() {
	newStore := func(_ testing.TB, events commerce.EventPublisher) customer.Store {
		return memory.NewCustomerStore(&memory.Options{Events: events})
	}
	_ = func(t *testing.T) { customertest.Run(t, newStore) } // in TestCustomerStore
	// Output:
}
