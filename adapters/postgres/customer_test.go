package postgres_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/customer/customertest"
)

func TestCustomerStore(t *testing.T) {
	customertest.Run(t, func(t testing.TB, events commerce.EventPublisher) customer.Store {
		pool := newPool(t)
		store, err := postgres.NewCustomerStore(pool, &postgres.Options{Outbox: outboxTo(t, pool, events, customer.RegisterEvents)})
		if err != nil {
			t.Fatalf("customer store: %v", err)
		}
		return store
	})
}
