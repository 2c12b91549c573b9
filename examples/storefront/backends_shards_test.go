package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestShopOnPostgresShards runs the shop with customers, orders and
// payments on four shards: a guest checkout's order and payment land on
// the shard of its cart's bucket, and on no other.
func TestShopOnPostgresShards(t *testing.T) {
	dsns := []string{testenv.PostgresURL(t), testenv.PostgresURL(t), testenv.PostgresURL(t), testenv.PostgresURL(t)}
	ts := startShop(t, Config{PostgresShards: dsns, Products: 12})
	o := ts.buyThroughTheAPI(t, "grace@example.com")
	require.True(t, o.CustomerID.IsZero(), "an API checkout without login is a guest order")

	b, err := shard.BucketOf(o.CartID, "cart_id")
	require.NoError(t, err)
	ob, err := shard.BucketOf(o.ID, "id")
	require.NoError(t, err)
	assert.Equal(t, b, ob, "the order's ID carries its cart's bucket")
	m, err := shard.NumberedMap(len(dsns))
	require.NoError(t, err)
	ctx := context.Background()
	for i, dsn := range dsns {
		conn, err := pgx.Connect(ctx, dsn)
		require.NoError(t, err)
		var orders, payments int
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM order_orders WHERE id = $1", o.ID.String()).Scan(&orders))
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM payment_payments WHERE order_id = $1", o.ID.String()).Scan(&payments))
		require.NoError(t, conn.Close(ctx))
		want := 0
		if m.Shard(b) == i {
			want = 1
		}
		assert.Equal(t, want, orders, "shard %d orders", i)
		assert.Equal(t, want, payments, "shard %d payments", i)
	}
}
