package mongodb_test

import (
	"testing"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/catalogtest"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestCatalogStore runs the catalog conformance suite on FerretDB, each
// subtest on a database of its own, events through the outbox and relay.
func TestCatalogStore(t *testing.T) {
	uri := testenv.FerretDB(t)
	catalogtest.Run(t, func(t testing.TB, events commerce.EventPublisher) catalog.Store {
		store := newStore(t, uri, nil)
		startRelay(t, store, events)
		return store
	})
}
