package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/internal/testenv"
)

// embeddedNames lists the migration files Migrate runs, in version order.
func embeddedNames(t *testing.T) []string {
	t.Helper()
	sub, err := fs.Sub(migrationFiles, "migrations")
	require.NoError(t, err)
	ms, err := loadMigrations(sub)
	require.NoError(t, err)
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.name
	}
	return names
}

// Migrations lists every embedded migration, in version order, as an up
// file named the way golang-migrate and goose expect, with goose's
// annotations around the unchanged body; and it behaves as an fs.FS must.
func TestMigrationsListsEveryMigrationInOrder(t *testing.T) {
	fsys, err := Migrations()
	require.NoError(t, err)
	embedded := embeddedNames(t)
	require.NotEmpty(t, embedded)

	entries, err := fs.ReadDir(fsys, ".")
	require.NoError(t, err)
	var got, want []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	for _, name := range embedded {
		want = append(want, strings.TrimSuffix(name, ".sql")+".up.sql")
	}
	assert.Equal(t, want, got)
	assert.True(t, slices.IsSorted(got), "the names sort in version order too")

	for i, name := range got {
		body, err := fs.ReadFile(fsys, name)
		require.NoError(t, err)
		original, err := fs.ReadFile(migrationFiles, path.Join("migrations", embedded[i]))
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(string(body), "-- +goose Up\n-- +goose StatementBegin\n"), name)
		assert.True(t, strings.HasSuffix(string(body), "-- +goose StatementEnd\n"), name)
		assert.Contains(t, string(body), string(original), "%s carries its migration unchanged", name)
	}
	// Glob is what goose lists migrations with.
	globbed, err := fs.Glob(fsys, "*.sql")
	require.NoError(t, err)
	assert.Equal(t, got, globbed)

	require.NoError(t, fstest.TestFS(fsys, got...))
}

// Applying the files of Migrations in order to a fresh schema, each whole
// in its own transaction as golang-migrate and goose do, gives the schema
// Migrate gives.
func TestMigrationsBuildTheSchemaMigrateBuilds(t *testing.T) {
	ctx := context.Background()
	fsys, err := Migrations()
	require.NoError(t, err)
	byTool := testenv.Postgres(t)
	entries, err := fs.ReadDir(fsys, ".")
	require.NoError(t, err)
	for _, e := range entries {
		body, err := fs.ReadFile(fsys, e.Name())
		require.NoError(t, err)
		tx, err := byTool.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, string(body))
		require.NoError(t, err, "apply %s", e.Name())
		require.NoError(t, tx.Commit(ctx))
	}

	byMigrate := testenv.Postgres(t)
	require.NoError(t, Migrate(ctx, byMigrate))

	want := schemaSnapshot(t, byMigrate)
	require.NotEmpty(t, want)
	assert.Equal(t, want, schemaSnapshot(t, byTool))
}

// schemaSnapshot describes the tables, columns, constraints, indexes and
// sequences of the pool's current schema, one sorted line each, with the
// schema's own name left out; Migrate's bookkeeping table is not part of
// it.
func schemaSnapshot(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	ctx := context.Background()
	var schema string
	require.NoError(t, pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema))
	queries := map[string]string{
		"table": `SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = $1`,
		"column": `SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable,
			coalesce(column_default, ''), is_identity, coalesce(identity_start, ''), coalesce(collation_name, '')
			FROM information_schema.columns WHERE table_schema = $1`,
		// NOT NULL shows as a check named after OIDs; is_nullable above
		// says the same thing by name.
		"constraint": `SELECT table_name, constraint_name, constraint_type FROM information_schema.table_constraints
			WHERE table_schema = $1 AND constraint_name !~ '^[0-9]+_[0-9]+_[0-9]+_not_null$'`,
		"check": `SELECT constraint_name, check_clause FROM information_schema.check_constraints
			WHERE constraint_schema = $1 AND constraint_name !~ '^[0-9]+_[0-9]+_[0-9]+_not_null$'`,
		"key": `SELECT table_name, constraint_name, column_name, ordinal_position FROM information_schema.key_column_usage
			WHERE table_schema = $1`,
		"index":    `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = $1`,
		"sequence": `SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences WHERE sequence_schema = $1`,
	}
	var out []string
	for kind, q := range queries {
		rows, err := pool.Query(ctx, q, schema)
		require.NoError(t, err, kind)
		for rows.Next() {
			vals, err := rows.Values()
			require.NoError(t, err, kind)
			line := kind + fmt.Sprint(vals)
			if strings.Contains(line, "mercato_schema_migrations") {
				continue
			}
			out = append(out, strings.ReplaceAll(line, schema+".", ""))
		}
		require.NoError(t, rows.Err(), kind)
	}
	slices.Sort(out)
	return out
}

// The orders table and the relations that belong to it carry the order_
// prefix, so a host's own orders table, with its own primary key index
// and identity sequence, fits in the same schema.
func TestOrderTablesArePrefixed(t *testing.T) {
	ctx := context.Background()
	pool := testenv.Postgres(t)
	require.NoError(t, Migrate(ctx, pool))

	rows, err := pool.Query(ctx, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i', 'S')`)
	require.NoError(t, err)
	var names []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		names = append(names, name)
	}
	require.NoError(t, rows.Err())
	prefixes := []string{"catalog_", "customer_", "inventory_", "payment_", "notify_", "order_", "promotion_", "mercato_"}
	for _, name := range names {
		assert.True(t, slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(name, p) }),
			"relation %q has no package prefix", name)
	}
	assert.Contains(t, names, "order_orders")

	_, err = pool.Exec(ctx, `CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, number text UNIQUE)`)
	require.NoError(t, err, "a host's own orders table")
}

// A schema migrated before the prefix keeps its orders: the rename moves
// the rows, and the order store reads them.
func TestOrderTablePrefixKeepsExistingOrders(t *testing.T) {
	ctx := context.Background()
	pool := testenv.Postgres(t)
	sub, err := fs.Sub(migrationFiles, "migrations")
	require.NoError(t, err)
	before := fstest.MapFS{}
	for _, name := range embeddedNames(t) {
		if name >= "0009_order_table_prefix" {
			break
		}
		body, err := fs.ReadFile(sub, name)
		require.NoError(t, err)
		before[name] = &fstest.MapFile{Data: body}
	}
	require.NoError(t, migrate(ctx, pool, before))
	_, err = pool.Exec(ctx, `INSERT INTO orders (id, idempotency_key, cart_id, email, currency, status, subtotal, discount,
		shipping, tax, total, shipping_address, billing_address, reservation_id, payment_method, capture, settled,
		created_at, updated_at, version)
		VALUES ('ord_01JAAAAAAAAAAAAAAAAAAAAAAA', 'key-1', 'cart_01JAAAAAAAAAAAAAAAAAAAAAAA', 'ada@example.com', 'USD',
		'confirmed', 1000, 0, 0, 0, 1000, '{}', '{}', '', 'pm', 'auto', true, now(), now(), 1)`)
	require.NoError(t, err)

	require.NoError(t, Migrate(ctx, pool))
	var id, status string
	var number int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id, status, number FROM order_orders`).Scan(&id, &status, &number))
	assert.Equal(t, "ord_01JAAAAAAAAAAAAAAAAAAAAAAA", id)
	assert.Equal(t, "confirmed", status)
	assert.Equal(t, int64(1001), number)
	var next int64
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO order_orders (id, idempotency_key, cart_id, email, currency, status,
		subtotal, discount, shipping, tax, total, shipping_address, billing_address, reservation_id, payment_method, capture,
		settled, created_at, updated_at, version)
		SELECT 'ord_01JBBBBBBBBBBBBBBBBBBBBBBB', 'key-2', 'cart_01JBBBBBBBBBBBBBBBBBBBBBBB', email, currency, status, subtotal,
		discount, shipping, tax, total, shipping_address, billing_address, reservation_id, payment_method, capture, settled,
		created_at, updated_at, version FROM order_orders RETURNING number`).Scan(&next))
	assert.Equal(t, int64(1002), next, "the renamed identity sequence carries on")
}
