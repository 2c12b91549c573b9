package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/customer/customertest"
)

func newBenchCustomerStore(testing.TB, commerce.EventPublisher) customer.Store {
	return memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}})
}

func BenchmarkCustomerLogin(b *testing.B) { customertest.BenchLogin(b, newBenchCustomerStore) }

func BenchmarkCustomerAuthenticate(b *testing.B) {
	customertest.BenchAuthenticate(b, newBenchCustomerStore)
}
