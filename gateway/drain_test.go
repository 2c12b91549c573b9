package gateway_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/gateway"
)

func TestCloseDrainsRequestsInFlight(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		w.WriteHeader(http.StatusOK)
	}))
	defer slow.Close()
	cfg := cartOnly(slow.URL)
	cfg.HealthInterval = -1
	g, err := gateway.New(cfg)
	if err != nil {
		t.Fatal(err)
	}

	inFlight := make(chan int)
	go func() { inFlight <- get(t, g, "/store/carts/cart_1").Code }()
	<-arrived

	// Closing with a deadline that passes while the request is in flight
	// says so.
	short, cancel := context.WithCancel(context.Background())
	cancel()
	if err := g.Close(short); commerce.Code(err) != commerce.CodeUnavailable {
		t.Fatalf("Close with the request in flight and no time = %v, want Unavailable", err)
	}

	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		closed <- g.Close(ctx)
	}()
	// New requests are refused at once while draining.
	rec := get(t, g, "/store/carts/cart_1")
	errorOf(t, rec, http.StatusServiceUnavailable, commerce.CodeUnavailable)
	if rec.Header().Get("Retry-After") == "" || rec.Header().Get("Connection") != "close" {
		t.Fatalf("draining answer headers %v", rec.Header())
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned %v with a request in flight", err)
	default:
	}
	close(release)
	if code := <-inFlight; code != http.StatusOK {
		t.Fatalf("the request in flight ended %d", code)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := g.Close(context.Background()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
