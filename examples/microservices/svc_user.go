package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/customer"
)

// purgeInterval is how often the user service deletes spent sessions and
// reset tokens.
const purgeInterval = 10 * time.Minute

// wireUser runs the customer service: accounts, credentials, sessions,
// in the user schema. Failed logins and reset requests are counted in
// Redis, so the limit holds across instances; every instance signs and
// verifies tokens with the shared session key.
func wireUser(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openPostgres(ctx); err != nil {
		return nil, err
	}
	if err := p.openRedis(ctx); err != nil {
		return nil, err
	}
	store, err := postgres.NewCustomerStore(p.pool, p.pg)
	if err != nil {
		return nil, err
	}
	limiter, err := redis.NewRateLimiter(p.rdb, p.cfg.RedisPrefix+"ratelimit:user:")
	if err != nil {
		return nil, fmt.Errorf("redis rate limiter: %w", err)
	}
	customers, err := customer.NewService(store, &customer.Options{
		Logger: p.log, Limiter: limiter, Keys: map[string][]byte{"shared": []byte(p.cfg.SessionKey)},
	})
	if err != nil {
		return nil, err
	}
	p.work(func(ctx context.Context) error { return customers.RunPurger(ctx, purgeInterval) })
	return serve(p, apiServices{Customers: customers}, rpcServers{Customers: customers})
}
