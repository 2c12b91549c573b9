package postgres_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/customer/customertest"
)

func newBenchCustomerStore(tb testing.TB, _ commerce.EventPublisher) customer.Store {
	store, err := postgres.NewCustomerStore(newPool(tb), &postgres.Options{Outbox: postgres.DiscardEvents{}})
	if err != nil {
		tb.Fatal(err)
	}
	return store
}

func BenchmarkCustomerLogin(b *testing.B) { customertest.BenchLogin(b, newBenchCustomerStore) }

func BenchmarkCustomerAuthenticate(b *testing.B) {
	customertest.BenchAuthenticate(b, newBenchCustomerStore)
}
