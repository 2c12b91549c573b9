package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/order"
)

// TestFullServerIsUnavailable: a server with every connection slot taken
// refuses a new connection with FATAL 53300 inside the connect error. That
// is a busy database, not a bug: the store says Unavailable, so callers
// retry, and keeps the server's answer in the chain for logs but out of
// the message.
func TestFullServerIsUnavailable(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, testenv.FullPostgres(t))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	store, err := postgres.NewOrderStore(pool, &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)

	id := commerce.NewID[commerce.OrderID]()
	_, err = store.Update(ctx, id, func(*order.Order) ([]commerce.Envelope, error) {
		t.Error("the closure runs only with the order locked")
		return nil, nil
	})
	require.Error(t, err)
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "%v", err)
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr, "the server's answer stays in the chain")
	assert.Equal(t, "53300", pgErr.Code)
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "postgres: update order "+id.String()+": the database is busy or unreachable; retry", ce.Message)
	assert.False(t, errors.Is(err, context.Canceled))
}
