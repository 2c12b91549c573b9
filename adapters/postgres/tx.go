package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// inTx runs fn in a read-committed transaction on pool: committed if fn
// returns nil, rolled back otherwise (and if ctx ends or the connection
// drops first, so nothing is ever half-written). The error is classified
// with doing.
func inTx(ctx context.Context, pool *pgxpool.Pool, doing string, fn func(pgx.Tx) error) error {
	return classify(pgx.BeginFunc(ctx, pool, fn), doing)
}
