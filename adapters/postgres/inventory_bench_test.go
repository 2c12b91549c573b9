package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/inventory"
)

// spreadSKUs is how many SKUs the "spread" benchmarks draw from.
const spreadSKUs = 10_000

// BenchmarkInventoryReserveDeduct measures a checkout's inventory work,
// Reserve then Deduct of one unit (two transactions, events through the
// outbox), for a hot SKU every buyer wants and for 10,000 SKUs spread
// out, with 1 and 16 concurrent buyers: p50/p99 of the pair and
// reservations/s.
func BenchmarkInventoryReserveDeduct(b *testing.B) {
	for _, hot := range []bool{true, false} {
		for _, buyers := range []int{1, 16} {
			name := fmt.Sprintf("spread/buyers=%d", buyers)
			if hot {
				name = fmt.Sprintf("hot/buyers=%d", buyers)
			}
			b.Run(name, func(b *testing.B) { benchReserveDeduct(b, hot, buyers) })
		}
	}
}

func benchReserveDeduct(b *testing.B, hot bool, buyers int) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(testenv.PostgresURL(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = int32(buyers + 4) // the buyers, the outbox relay and slack
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	if err := postgres.Migrate(ctx, pool); err != nil {
		b.Fatal(err)
	}
	store, err := postgres.NewInventoryStore(pool, &postgres.Options{Outbox: outboxTo(b, pool, commerce.DiscardEvents{}, inventory.RegisterEvents)})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := inventory.NewService(store, &inventory.Options{LowStockThreshold: -1})
	if err != nil {
		b.Fatal(err)
	}
	// Stock loaded in bulk: the ledger is not what is measured.
	if _, err := pool.Exec(ctx, `INSERT INTO inventory_levels (sku, location, on_hand, reserved, updated_at)
		SELECT 'sku-' || g, 'default', 1000000, 0, now() FROM generate_series(0, $1 - 1) AS g`, spreadSKUs); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE inventory_levels`); err != nil {
		b.Fatal(err)
	}

	benchload.Run(b, buyers, "reservations/s", func(_, i int) error {
		sku := "sku-0"
		if !hot {
			sku = fmt.Sprintf("sku-%d", (i*7919)%spreadSKUs)
		}
		id := commerce.NewID[commerce.ReservationID]()
		if _, err := svc.Reserve(ctx, id, []inventory.Line{{SKU: sku, Quantity: 1}}, time.Minute); err != nil {
			return err
		}
		return svc.Deduct(ctx, id)
	})
}
