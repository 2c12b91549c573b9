package postgres_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/catalogtest"
	"github.com/mercatohq/mercato/commerce"
)

func TestCatalogStore(t *testing.T) {
	catalogtest.Run(t, func(t testing.TB, events commerce.EventPublisher) catalog.Store {
		pool := newPool(t)
		store, err := postgres.NewCatalogStore(pool, &postgres.Options{Outbox: outboxTo(t, pool, events, catalog.RegisterEvents)})
		if err != nil {
			t.Fatal(err)
		}
		return store
	})
}
