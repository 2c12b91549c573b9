package gateway_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/ratelimit"
)

// BenchmarkProxyOverhead measures a GET of a small JSON answer over
// loopback HTTP, straight to the service and through the gateway (route,
// request ID, rate limit in process, token verification, balancing and
// the proxy hop). The difference is the gateway's cost per request.
func BenchmarkProxyOverhead(b *testing.B) {
	body := []byte(`{"id":"cart_1","items":[],"total":{"amount":0,"currency":"EUR"}}`)
	svc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	defer svc.Close()
	g, err := gateway.New(gateway.Config{
		Services:      map[string][]string{gateway.ServiceCart: {svc.URL}},
		Routes:        []gateway.Route{{Prefix: "/store/carts", Service: gateway.ServiceCart}},
		Authenticator: tokens{"good": claims()},
		ClientLimit:   ratelimit.PerPeriod(1<<20, time.Second),
		CustomerLimit: ratelimit.PerPeriod(1<<20, time.Second),
	})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = g.Close(b.Context()) }()
	edge := httptest.NewServer(g)
	defer edge.Close()

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	run := func(b *testing.B, base string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/store/carts/cart_1", nil)
		req.Header.Set("Authorization", "Bearer good")
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	}
	b.Run("direct", func(b *testing.B) { run(b, svc.URL) })
	b.Run("gateway", func(b *testing.B) { run(b, edge.URL) })
}
