package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/eventbus/pgbus"
)

// openShards puts customers, orders and payments on a shard router over
// cfg.PostgresShards: every shard migrated, each with its own outbox and
// relay, the bucket map the newest a move stored in the shards or else
// bucket b on shard b % N.
func (b *backends) openShards(ctx context.Context, cfg Config, log *slog.Logger, onClose func(func(context.Context) error)) error {
	pools := make([]*pgxpool.Pool, len(cfg.PostgresShards))
	for i, dsn := range cfg.PostgresShards {
		pool, err := openPostgres(ctx, dsn)
		if err != nil {
			return fmt.Errorf("shard %d: %w", i, err)
		}
		onClose(func(context.Context) error { pool.Close(); return nil })
		pools[i] = pool
	}
	if err := shard.Migrate(ctx, pools); err != nil {
		return fmt.Errorf("shard migrations: %w", err)
	}
	m, stored, err := shard.LoadMap(ctx, pools)
	if err != nil {
		return fmt.Errorf("shard map: %w", err)
	}
	if !stored {
		if m, err = shard.NumberedMap(len(pools)); err != nil {
			return err
		}
	}
	shards := make([]shard.Shard, len(pools))
	opts := &pgbus.OutboxOptions{Options: pgbus.Options{Logger: log}}
	for i, pool := range pools {
		outbox, err := pgbus.NewOutbox(ctx, pool, b.bus, opts)
		if err != nil {
			return fmt.Errorf("shard %d outbox: %w", i, err)
		}
		r, err := pgbus.NewRelay(pool, b.bus, opts)
		if err != nil {
			return fmt.Errorf("shard %d outbox relay: %w", i, err)
		}
		b.addRelay(r, onClose)
		shards[i] = shard.Shard{Pool: pool, Outbox: outbox}
	}
	router, err := shard.New(m, shards, &shard.Options{Logger: log})
	if err != nil {
		return err
	}
	onClose(func(context.Context) error { router.Close(); return nil })
	// Orders on the shards no longer share a database with the stock.
	b.customer, b.orders, b.payments, b.units = router.Customers(), router.Orders(), router.Payments(), nil
	b.sharded = true
	b.describe = append(b.describe, fmt.Sprintf("customers, orders, payments: sharded by customer over %d PostgreSQL databases (%s)", len(pools), m))
	return nil
}
