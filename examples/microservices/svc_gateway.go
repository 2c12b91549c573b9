package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/rs/cors"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/ratelimit"
)

// wireGateway runs the edge: the public API under /api/, routed by path
// to the instances of the service that owns it (package gateway's
// default route table). It verifies customer tokens once by asking the
// user service, and counts the rate limits in Redis, so that they hold
// across every gateway instance.
func wireGateway(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openRedis(ctx); err != nil {
		return nil, err
	}
	limiter, err := redis.NewRateLimiter(p.rdb, p.cfg.RedisPrefix+"ratelimit:gateway:")
	if err != nil {
		return nil, fmt.Errorf("redis rate limiter: %w", err)
	}
	services := map[string][]string{}
	for _, s := range backendServices {
		services[s] = p.cfg.peerURLs(s)
	}
	// The user service need not be up yet: a token checked while it is
	// down is answered 503, and the client retries.
	auth, err := p.customerClient()
	if err != nil {
		return nil, err
	}
	cfg := gateway.Config{
		Services:      services,
		Authenticator: auth,
		Limiter:       limiter,
		// Browsers on other origins may call the API; they send no
		// cookies, only bearer tokens.
		CORS: &cors.Options{
			AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowedHeaders: []string{"Authorization", "Content-Type", "Idempotency-Key", "X-Cart-Token", "X-Order-Token", "X-Request-Id"},
			ExposedHeaders: []string{"X-Request-Id", "Retry-After", "X-Cart-Token", "X-Order-Token"},
			MaxAge:         600,
		},
		HealthInterval: time.Second,
		Logger:         p.log,
	}
	if p.cfg.ClientRate > 0 {
		cfg.ClientLimit = ratelimit.Limit{Rate: p.cfg.ClientRate, Burst: 2 * p.cfg.ClientRate, Period: time.Second}
		cfg.CustomerLimit = cfg.ClientLimit
	}
	gw, err := gateway.New(cfg)
	if err != nil {
		return nil, err
	}
	p.onClose(gw.Close)
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", gw))
	return mux, nil
}
