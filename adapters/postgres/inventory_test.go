package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/inventory/inventorytest"
)

func TestInventoryStore(t *testing.T) {
	var mu sync.Mutex
	pools := map[inventory.Store]*pgxpool.Pool{}
	inventorytest.RunConfig(t, inventorytest.Config{
		NewStore: func(t testing.TB, events commerce.EventPublisher) inventory.Store {
			pool := newPool(t)
			store, err := postgres.NewInventoryStore(pool, &postgres.Options{Outbox: outboxTo(t, pool, events, inventory.RegisterEvents)})
			if err != nil {
				t.Fatalf("store: %v", err)
			}
			mu.Lock()
			pools[store] = pool
			mu.Unlock()
			return store
		},
		// Terminates the backend that holds row locks on inventory_levels
		// of this test's schema, from another connection, and waits until
		// it is gone.
		Disconnect: func(t testing.TB, store inventory.Store) error {
			mu.Lock()
			pool := pools[store]
			mu.Unlock()
			var killed int
			err := pool.QueryRow(context.Background(), `SELECT count(*) FROM (
				SELECT pg_terminate_backend(pid, 5000) FROM (
					SELECT DISTINCT pid FROM pg_locks
					WHERE relation = 'inventory_levels'::regclass AND granted AND pid <> pg_backend_pid()
				) holders
			) AS terminated`).Scan(&killed)
			if err == nil && killed != 1 {
				t.Errorf("terminated %d backends, want 1", killed)
			}
			return err
		},
	})
}
