package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/internal/testenv"
)

func cartOnly(urls ...string) gateway.Config {
	return gateway.Config{
		Services: map[string][]string{gateway.ServiceCart: urls},
		Routes:   []gateway.Route{{Prefix: "/store/carts", Service: gateway.ServiceCart}},
	}
}

func TestBalancesAcrossInstances(t *testing.T) {
	a, b := newBackend(t, "a"), newBackend(t, "b")
	g := newGateway(t, cartOnly(a.URL, b.URL))
	for range 20 {
		echoOf(t, get(t, g, "/store/carts/cart_1"))
	}
	if a.hits.Load() != 10 || b.hits.Load() != 10 {
		t.Fatalf("instances got %d and %d of 20 requests, want 10 each", a.hits.Load(), b.hits.Load())
	}
}

func TestEjectsAFailingInstanceUntilAHealthCheckPasses(t *testing.T) {
	a, b := newBackend(t, "a"), newBackend(t, "b")
	cfg := cartOnly(a.URL, b.URL)
	cfg.HealthInterval = -1 // checks only when the test asks
	cfg.EjectAfter = 2
	g := newGateway(t, cfg)

	a.down.Store(true)
	for range 6 { // a fails twice and is ejected; b answers the rest
		rec := get(t, g, "/store/carts/cart_1")
		if rec.Code != http.StatusOK && rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("status %d", rec.Code)
		}
	}
	if n := a.hits.Load(); n != 2 {
		t.Fatalf("the failing instance got %d requests, want 2 (ejected after 2 failures)", n)
	}
	before := b.hits.Load()
	for range 10 {
		if e := echoOf(t, get(t, g, "/store/carts/cart_1")); e.Service != "b" {
			t.Fatalf("served by %s while a is ejected", e.Service)
		}
	}
	if b.hits.Load() != before+10 {
		t.Fatalf("b got %d of 10", b.hits.Load()-before)
	}

	a.down.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	g.CheckHealth(ctx)
	for range 4 {
		echoOf(t, get(t, g, "/store/carts/cart_1"))
	}
	if a.hits.Load() == 2 {
		t.Fatal("a was not admitted again after its health check passed")
	}
}

func TestPeriodicHealthChecksEjectAndReadmit(t *testing.T) {
	a, b := newBackend(t, "a"), newBackend(t, "b")
	cfg := cartOnly(a.URL, b.URL)
	cfg.HealthInterval = 10 * time.Millisecond
	g := newGateway(t, cfg)

	a.down.Store(true)
	waitFor(t, "a to be ejected by its health checks", func() bool {
		before := a.hits.Load()
		for range 4 {
			get(t, g, "/store/carts/cart_1")
		}
		return a.hits.Load() == before
	})
	a.down.Store(false)
	waitFor(t, "a to be admitted again", func() bool { return lastServedBy(t, g, "a") })
}

// lastServedBy reports whether one of two requests reaches the instance
// named name.
func lastServedBy(t *testing.T, g http.Handler, name string) bool {
	for range 2 {
		if echoOf(t, get(t, g, "/store/carts/cart_1")).Service == name {
			return true
		}
	}
	return false
}

func TestServiceDownAnswers503WithRetryAfterAtOnce(t *testing.T) {
	cfg := cartOnly("http://" + testenv.ClosedAddr(t))
	cfg.EjectAfter = 1
	cfg.HealthInterval = time.Hour // no check readmits it during the test
	g := newGateway(t, cfg)

	// The first request finds the instance refusing connections; the
	// next finds no healthy instance. Both answer within the request's
	// deadline (do gives each 20 s), never hang.
	for i := range 2 {
		rec := get(t, g, "/store/carts/cart_1")
		errorOf(t, rec, http.StatusServiceUnavailable, commerce.CodeUnavailable)
		if rec.Header().Get("Retry-After") == "" {
			t.Fatalf("request %d: 503 without Retry-After", i)
		}
	}
}

func TestSlowServiceAnswers504AtTheTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	cfg := cartOnly(slow.URL)
	cfg.RequestTimeout = 100 * time.Millisecond
	cfg.HealthInterval = -1
	g := newGateway(t, cfg)
	rec := get(t, g, "/store/carts/cart_1")
	errorOf(t, rec, http.StatusGatewayTimeout, commerce.CodeUnavailable)
	if rec.Header().Get("Retry-After") == "" {
		t.Fatal("504 without Retry-After")
	}
}

func TestRefusedConnectionEjectsAtOnce(t *testing.T) {
	live := newBackend(t, "live")
	cfg := cartOnly("http://"+testenv.ClosedAddr(t), live.URL)
	cfg.HealthInterval = -1 // only requests find the refusing instance out
	g := newGateway(t, cfg)
	failures := 0
	for range 12 {
		rec := get(t, g, "/store/carts/cart_1")
		if rec.Code != http.StatusOK {
			errorOf(t, rec, http.StatusServiceUnavailable, commerce.CodeUnavailable)
			failures++
		}
	}
	if failures != 1 {
		t.Fatalf("%d of 12 requests failed, want 1: the refusing instance must be ejected by its first refusal", failures)
	}
}
