package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/internal/testenv"
)

// TestReservationLevelsAreFoundByKey: locking a reservation's levels (every
// deduction and release) or a cart's (every reservation), and updating an
// order's few levels, reach them
// through the key, also in the generic plan a prepared statement settles
// on, with thousands of levels. Written as a semi-join, the lock's plan
// scanned every level.
func TestReservationLevelsAreFoundByKey(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	if err := Migrate(ctx, pool); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	for _, q := range []string{
		`INSERT INTO inventory_levels (sku, location, on_hand, reserved, updated_at)
			SELECT 'SKU-' || i, '', 100, 1, now() FROM generate_series(1, 10000) i`,
		`INSERT INTO inventory_reservations (id, status, created_at, updated_at, expires_at)
			SELECT 'res_' || i, 'reserved', now(), now(), now() + interval '1 hour' FROM generate_series(1, 2000) i`,
		`INSERT INTO inventory_allocations (reservation_id, sku, location, quantity)
			SELECT 'res_' || (i % 2000 + 1), 'SKU-' || (i * 7 % 10000 + 1), '', 1 FROM generate_series(1, 6000) i
			ON CONFLICT DO NOTHING`,
		`ANALYZE inventory_levels, inventory_reservations, inventory_allocations`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, st := range []struct{ name, params, sql, arg string }{
		{"lock_reservation_levels", "text[]", sqlLockReservationLevels, "'{res_1}'"},
		{"lock_one_reservation_levels", "text", sqlLockOneReservationLevels, "'res_1'"},
		{"lock_two_levels", "text, text", lockLevelsSQL(2), "'SKU-1', 'SKU-2'"},
		{"lock_many_levels", "text[]", lockLevelsSQL(maxValuesLevels + 1), "'{SKU-1,SKU-2}'"},
		{"update_two_levels", "text, text, integer, integer, timestamptz, text, text, integer, integer, timestamptz",
			levelsUpdateSQL(2), "'SKU-1', '', 99, 2, now(), 'SKU-2', '', 99, 2, now()"},
	} {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `PREPARE `+st.name+`(`+st.params+`) AS `+st.sql); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `EXPLAIN EXECUTE `+st.name+`(`+st.arg+`)`, pgx.QueryExecModeSimpleProtocol)
			if err != nil {
				return err
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			plan := strings.Join(lines, "\n")
			if strings.Contains(plan, "Seq Scan on inventory_levels") || !strings.Contains(plan, "inventory_levels_pkey") {
				t.Errorf("%s: the levels are not found by their key:\n%s", st.name, plan)
			}
			_, err = tx.Exec(ctx, `DEALLOCATE `+st.name)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
