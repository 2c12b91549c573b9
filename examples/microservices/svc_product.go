package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// shopCurrency is the currency searches that name none are in.
const shopCurrency = commerce.Currency("USD")

// wireProduct runs the catalog, in the product schema, and search over an
// in-memory bleve index. Each instance keeps its own index: built from
// the catalog at start, then kept current by the catalog's and the
// stock's events in a consumer group of its own (every instance sees
// every event), asking the inventory service whether a SKU is in stock.
func wireProduct(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openPostgres(ctx); err != nil {
		return nil, err
	}
	store, err := postgres.NewCatalogStore(p.pool, p.pg)
	if err != nil {
		return nil, err
	}
	products, err := catalog.NewService(store, nil)
	if err != nil {
		return nil, err
	}
	index, err := bleve.New(&bleve.Options{Logger: p.log})
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	p.onClose(index.Close)
	finder, err := search.NewService(index, &search.Options{Currency: shopCurrency})
	if err != nil {
		return nil, err
	}
	stock, err := p.stockClient()
	if err != nil {
		return nil, err
	}
	// The index is built with each SKU's stock: the inventory service
	// must answer first.
	if err := waitHealthy(ctx, p.cfg.peerURLs(svcInventory), peerWait); err != nil {
		return nil, fmt.Errorf("the inventory service: %w", err)
	}
	indexer, err := search.NewIndexer(index, products, stock, &search.IndexerOptions{Logger: p.log})
	if err != nil {
		return nil, err
	}
	if err := indexer.Reindex(ctx, nil); err != nil {
		return nil, fmt.Errorf("build the search index: %w", err)
	}
	// Every instance keeps its own index, so each subscribes in a group
	// of its own and sees every event.
	if err := subscribeIndexer(indexer, p, instanceGroup("search", p.cfg.Addr)); err != nil {
		return nil, fmt.Errorf("subscribe the search indexer: %w", err)
	}
	return serve(p, apiServices{Catalog: products, Search: finder}, rpcServers{Catalog: products})
}

// subscribeIndexer subscribes the handler of every event the search
// indexer follows, each in its group of service's (see consumerGroup).
func subscribeIndexer(x *search.Indexer, p *process, service string) error {
	search.RegisterIndexedEvents(p.bus.Registry())
	for _, name := range x.Events() {
		h, _ := x.Handler(name)
		if err := p.bus.Subscribe(p.group(service, name), name, h); err != nil {
			return err
		}
	}
	return nil
}
