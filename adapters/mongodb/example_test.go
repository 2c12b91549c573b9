package mongodb_test

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mercatohq/mercato/adapters/mongodb"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// A host creates the indexes once at start-up, runs a relay from the
// products' outboxes to its bus, and hands the store to the catalog.
func ExampleNewCatalogStore() {
	ctx := context.Background()
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:27017"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = client.Disconnect(ctx) }()

	store, err := mongodb.NewCatalogStore(client.Database("shop"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := store.EnsureIndexes(ctx); err != nil {
		fmt.Println(err)
		return
	}
	// An *eventbus.Bus in production; events are published at least once.
	relay, err := mongodb.NewRelay(store, commerce.DiscardEvents{}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := relay.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = relay.Close(ctx) }()

	svc, err := catalog.NewService(store, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := svc.CreateProduct(ctx, catalog.ProductInput{Title: "Trail Runner 2"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Handle, p.Status)
}
