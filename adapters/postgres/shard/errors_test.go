package shard_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestFullShardIsUnavailable: a shard whose server has every connection
// slot taken refuses the router's directory statements with FATAL 53300.
// That is a busy database: Unavailable, naming the shard, with the
// server's answer in the chain and not in the message.
func TestFullShardIsUnavailable(t *testing.T) {
	ctx := context.Background()
	m, err := shard.NewMap(names(2)...)
	require.NoError(t, err)
	shards := make([]shard.Shard, 2)
	for i := range shards {
		pool, err := pgxpool.New(ctx, testenv.FullPostgres(t))
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		shards[i] = shard.Shard{Pool: pool, Outbox: postgres.DiscardEvents{}}
	}
	r, err := shard.New(m, shards, &shard.Options{Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(r.Close)

	_, err = r.Orders().Get(ctx, commerce.NewID[commerce.OrderID]())
	require.Error(t, err)
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "%v", err)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "the server's answer stays in the chain")
	assert.Equal(t, "53300", pgErr.Code)
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	assert.Regexp(t, `^shard: find where a order lives on shard s[01]: the database is busy or unreachable; retry$`, ce.Message)
}
