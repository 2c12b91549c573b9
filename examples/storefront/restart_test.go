package main

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/order"
)

// TestShopChecksOutAfterARestartOnPostgres stops a shop on PostgreSQL
// and Redis after a checkout and starts another on the same database:
// the new shop's payments must not collide with the references the first
// one stored, so its checkout is confirmed as the first was.
func TestShopChecksOutAfterARestartOnPostgres(t *testing.T) {
	dsn := testenv.PostgresURL(t)
	rdb := testenv.Redis(t)
	cfg := Config{PostgresDSN: dsn, Redis: rdb.Client.Options().Addr, redisPrefix: rdb.Prefix,
		// Small: each stop drains the seeding's events through the
		// outbox first, within the shutdown's deadline.
		Products: 30}
	for run := range 2 {
		ts, stop := startStoppableShop(t, cfg)
		_, v := ts.stockedVariant(t, 1)
		id := ts.apiCart(t, v.SKU)
		var o order.Order
		require.Equal(t, http.StatusCreated, ts.apiCheckout(t, id, "restart-"+id.String(), "ada@example.com", &o),
			"checkout in run %d\n%s", run, ts.logs.dump())
		require.Equal(t, order.StatusConfirmed, o.Status, "run %d", run)
		stop(t)
	}
}

// startStoppableShop is startShop with the stop in the caller's hands: it
// returns once the shop is ready, and stop ends it and checks that run
// returned nil.
func startStoppableShop(t *testing.T, cfg Config) (*testShop, func(*testing.T)) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.Products == 0 {
		cfg.Products = testProducts
	}
	logs := newLogRecorder()
	cfg.Logger = slog.New(logs)
	ready := make(chan *shop, 1)
	cfg.onReady = func(s *shop) { ready <- s }
	out := &testenv.SyncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // a test that fails before stop leaves no shop running
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, out) }()
	stop := func(t *testing.T) {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "run\n%s", logs.dump())
		case <-time.After(waitTimeout):
			t.Fatalf("run did not return within %s of its context ending", waitTimeout)
		}
	}
	select {
	case s := <-ready:
		return &testShop{shop: s, url: s.baseURL, out: out, logs: logs}, stop
	case err := <-done:
		cancel()
		t.Fatalf("run ended before the shop was ready: %v\n%s", err, logs.dump())
	case <-time.After(waitTimeout):
		cancel()
		<-done
		t.Fatalf("the shop was not ready within %s\n%s", waitTimeout, logs.dump())
	}
	return nil, nil
}
