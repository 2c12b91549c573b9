package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/catalogtest"
	"github.com/mercatohq/mercato/commerce"
)

func TestCatalogStore(t *testing.T) {
	catalogtest.Run(t, func(_ testing.TB, events commerce.EventPublisher) catalog.Store {
		return memory.NewCatalogStore(&memory.Options{Events: events})
	})
}
