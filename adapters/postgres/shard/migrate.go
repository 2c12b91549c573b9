package shard

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
)

// orderNumberStride separates the order numbers of the shards: shard i
// numbers its orders from i*orderNumberStride+1001, so numbers stay unique
// across shards (and across bucket moves, which keep an order's number),
// and shard 0 numbers exactly as a single database does.
const orderNumberStride = 1_000_000_000

// Migrate brings every shard up to date: postgres.Migrate, then the
// router's directory and map tables, then the shard's order-number range.
// Like postgres.Migrate it is idempotent and safe to run from several
// processes at once. It stops at the first shard that fails.
func Migrate(ctx context.Context, pools []*pgxpool.Pool) error {
	if len(pools) == 0 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "shard: Migrate needs at least one pool").WithDetail("field", "pools")
	}
	for i, pool := range pools {
		if err := migrateShard(ctx, i, pool); err != nil {
			return err
		}
	}
	return nil
}

// Migrate migrates the router's shards; see the package function.
func (r *Router) Migrate(ctx context.Context) error {
	pools := make([]*pgxpool.Pool, len(r.shards))
	for i, s := range r.shards {
		pools[i] = s.pool
	}
	return Migrate(ctx, pools)
}

func migrateShard(ctx context.Context, i int, pool *pgxpool.Pool) error {
	if pool == nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "shard: shard %d has no pool", i).WithDetail("field", "pools")
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		return err
	}
	name := fmt.Sprintf("%d", i)
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// One migrator at a time per schema, as postgres.Migrate does.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.shard_directory'))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, directoryDDL); err != nil {
			return err
		}
		start := int64(i)*orderNumberStride + 1001
		var seq string
		if err := tx.QueryRow(ctx, `SELECT pg_get_serial_sequence('order_orders', 'number')`).Scan(&seq); err != nil {
			return err
		}
		// seq comes from the catalog, already quoted.
		var next int64
		if err := tx.QueryRow(ctx, `SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM `+seq).Scan(&next); err != nil {
			return err
		}
		if next < start {
			if _, err := tx.Exec(ctx, `SELECT setval($1::regclass, $2, false)`, seq, start); err != nil {
				return err
			}
		}
		return nil
	})
	return classify(err, "migrate", name)
}
