package main

import (
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/search"
)

// subscribeIndexer subscribes the handler of every event the search
// indexer follows (the catalog's product, review and category events and
// the stock's out-of-stock and back-in-stock) to bus.
func subscribeIndexer(x *search.Indexer, bus *eventbus.Bus) error {
	search.RegisterIndexedEvents(bus.Registry())
	for _, name := range x.Events() {
		h, _ := x.Handler(name)
		if err := bus.Subscribe(search.DefaultIndexerGroup, name, h); err != nil {
			return err
		}
	}
	return nil
}
