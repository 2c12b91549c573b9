package main

import (
	"net/http"
	"testing"

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
	cfg := Config{PostgresDSN: dsn, Redis: rdb.Client.Options().Addr, RedisPrefix: rdb.Prefix,
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
