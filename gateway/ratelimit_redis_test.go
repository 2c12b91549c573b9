package gateway_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/ratelimit"
)

// Two gateway instances sharing one Redis enforce one limit: a client
// alternating between them gets its allowance once, not twice.
func TestRateLimitHoldsAcrossGatewayInstancesSharingRedis(t *testing.T) {
	env := testenv.Redis(t)
	_, urls := services(t)
	var gws []*gateway.Gateway
	for range 2 {
		lim, err := redis.NewRateLimiter(env.Client, env.Prefix)
		if err != nil {
			t.Fatal(err)
		}
		gws = append(gws, newGateway(t, gateway.Config{Services: urls, Limiter: lim, ClientLimit: ratelimit.PerPeriod(6, time.Hour)}))
	}
	const addr = "192.0.2.44:7000"
	for i := range 6 {
		echoOf(t, do(t, gws[i%2], http.MethodGet, "/store/products", nil, nil, addr))
	}
	for i := range 2 {
		rec := do(t, gws[i], http.MethodGet, "/store/products", nil, nil, addr)
		d := errorOf(t, rec, http.StatusTooManyRequests, commerce.CodeResourceExhausted)
		if rec.Header().Get("Retry-After") == "" || d["retry_after_seconds"] == nil {
			t.Fatalf("gateway %d: 429 without Retry-After: %v %v", i, rec.Header(), d)
		}
	}
	// Another client is not limited.
	echoOf(t, do(t, gws[1], http.MethodGet, "/store/products", nil, nil, "192.0.2.45:7000"))
}
