package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/customer/customertest"
)

func TestCustomerStore(t *testing.T) {
	customertest.Run(t, func(t testing.TB, events commerce.EventPublisher) customer.Store {
		return memory.NewCustomerStore(&memory.Options{Events: events})
	})
}
