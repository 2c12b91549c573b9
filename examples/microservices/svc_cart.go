package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
)

// wireCart runs the carts in Redis (a 7-day TTL refreshed on write),
// priced by the product service. Their events go through the Redis
// outbox, which every instance relays in one consumer group.
func wireCart(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openRedis(ctx); err != nil {
		return nil, err
	}
	store, err := redis.NewCartStore(p.rdb, &redis.CartOptions{Prefix: p.cfg.RedisPrefix + redis.DefaultPrefix})
	if err != nil {
		return nil, fmt.Errorf("redis carts: %w", err)
	}
	r, err := store.NewOutboxRelay(p.bus, &redis.RelayOptions{Registry: p.bus.Registry(), Logger: p.log})
	if err != nil {
		return nil, fmt.Errorf("redis outbox relay: %w", err)
	}
	p.addRelay(r)
	pricer, err := p.catalogClient()
	if err != nil {
		return nil, err
	}
	carts, err := cart.NewService(store, pricer, &cart.Options{DefaultCurrency: shopCurrency})
	if err != nil {
		return nil, err
	}
	return serve(p, apiServices{Carts: carts}, rpcServers{Carts: carts})
}
