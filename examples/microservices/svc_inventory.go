package main

import (
	"context"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/inventory"
)

// sweepInterval is how often expired stock reservations are released.
const sweepInterval = 30 * time.Second

// wireInventory runs the stock: levels and reservations in the inventory
// schema, locked row by row, with the sweeper of expired reservations.
func wireInventory(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openPostgres(ctx); err != nil {
		return nil, err
	}
	store, err := postgres.NewInventoryStore(p.pool, p.pg)
	if err != nil {
		return nil, err
	}
	stock, err := inventory.NewService(store, &inventory.Options{Logger: p.log})
	if err != nil {
		return nil, err
	}
	p.work(func(ctx context.Context) error { return stock.RunSweeper(ctx, sweepInterval) })
	// The admin's stock reads tell a catalog SKU without stock (zero)
	// from an unknown one (404) by asking the product service.
	products, err := p.catalogClient()
	if err != nil {
		return nil, err
	}
	return serve(p, apiServices{Inventory: stock, skuReader: products}, rpcServers{Inventory: stock})
}
