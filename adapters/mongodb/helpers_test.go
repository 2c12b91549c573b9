package mongodb_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/mongodb"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newStore returns a store on a fresh database of the FerretDB at uri,
// with its indexes.
func newStore(t testing.TB, uri string, opts *mongodb.Options) *mongodb.CatalogStore {
	t.Helper()
	store, err := mongodb.NewCatalogStore(testenv.MongoDatabase(t, uri), opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.EnsureIndexes(context.Background()); err != nil {
		t.Fatal(err)
	}
	return store
}

// startRelay relays store's events to pub until the test ends.
func startRelay(t testing.TB, store *mongodb.CatalogStore, pub commerce.EventPublisher) *mongodb.Relay {
	t.Helper()
	relay, err := mongodb.NewRelay(store, pub, &mongodb.RelayOptions{Interval: 10 * time.Millisecond, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if err := relay.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	return relay
}
