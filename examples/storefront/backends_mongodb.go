package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"github.com/mercatohq/mercato/adapters/mongodb"
)

// defaultMongoDatabase is the catalog's database when the URI names none.
const defaultMongoDatabase = "mercato"

// openMongoCatalog replaces the catalog store with one on the MongoDB at
// uri, and relays its products' outboxes to the bus.
func (b *backends) openMongoCatalog(ctx context.Context, uri string, log *slog.Logger, onClose func(func(context.Context) error)) error {
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return fmt.Errorf("mongodb: the URI is not valid: %w", err)
	}
	name := strings.TrimSpace(cs.Database)
	if name == "" {
		name = defaultMongoDatabase
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetConnectTimeout(connectTimeout).SetServerSelectionTimeout(connectTimeout))
	if err != nil {
		return fmt.Errorf("mongodb %s: %w", redactURL(uri), err)
	}
	// The bus's handlers read the catalog while it drains, so the client
	// is closed last, after the bus.
	b.closers = append([]func(context.Context) error{client.Disconnect}, b.closers...)
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := client.Ping(cctx, nil); err != nil {
		return fmt.Errorf("mongodb %s: %w", redactURL(uri), err)
	}
	store, err := mongodb.NewCatalogStore(client.Database(name), nil)
	if err != nil {
		return err
	}
	if err := store.EnsureIndexes(cctx); err != nil {
		return fmt.Errorf("mongodb indexes: %w", err)
	}
	r, err := mongodb.NewRelay(store, b.bus, &mongodb.RelayOptions{Registry: b.bus.Registry(), Logger: log})
	if err != nil {
		return fmt.Errorf("mongodb outbox relay: %w", err)
	}
	b.addRelay(r, onClose)
	b.catalog = store
	b.describe = append(b.describe, "catalog: MongoDB ("+name+"), events through the products' outboxes")
	return nil
}
