package postgres

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

func testMigrations() fstest.MapFS {
	return fstest.MapFS{
		"0001_widgets.sql": {Data: []byte(`CREATE TABLE widgets (id text PRIMARY KEY);
			CREATE INDEX widgets_id ON widgets (id);`)},
		"0002_gadgets.sql": {Data: []byte(`CREATE TABLE gadgets (id text PRIMARY KEY REFERENCES widgets (id));`)},
		"README.md":        {Data: []byte("ignored")},
	}
}

func TestMigrateAppliesEachMigrationOnce(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	require.NoError(t, migrate(ctx, pool, testMigrations()))
	require.NoError(t, migrate(ctx, pool, testMigrations()), "a second run is a no-op")

	var versions []int
	rows, err := pool.Query(ctx, `SELECT version FROM mercato_schema_migrations ORDER BY version`)
	require.NoError(t, err)
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		versions = append(versions, v)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []int{1, 2}, versions)
	_, err = pool.Exec(ctx, `INSERT INTO widgets (id) VALUES ('w1'); INSERT INTO gadgets (id) VALUES ('w1')`)
	require.NoError(t, err)
}

func TestMigrateConcurrentCallersRunEachMigrationOnce(t *testing.T) {
	pool := testenv.Postgres(t)
	const callers = 8
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	start := make(chan struct{})
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- migrate(context.Background(), pool, testMigrations())
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM mercato_schema_migrations`).Scan(&n))
	assert.Equal(t, 2, n)
}

func TestMigrateRefusesAChangedMigration(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	require.NoError(t, migrate(ctx, pool, testMigrations()))
	changed := testMigrations()
	changed["0002_gadgets.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE gadgets (id text);`)}
	err := migrate(ctx, pool, changed)
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "%v", err)
}

func TestMigrateFailedMigrationLeavesNothing(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	broken := testMigrations()
	broken["0003_broken.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE sprockets (id text); SELECT no_such_function();`)}
	require.Error(t, migrate(ctx, pool, broken))

	var tables int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name IN ('widgets', 'gadgets', 'sprockets')`).Scan(&tables))
	assert.Zero(t, tables, "the whole run rolled back")
}

func TestMigrateRejectsBadFileNames(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no version": {"widgets.sql": {Data: []byte(`SELECT 1`)}},
		"duplicate":  {"0001_a.sql": {Data: []byte(`SELECT 1`)}, "0001_b.sql": {Data: []byte(`SELECT 1`)}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadMigrations(fsys)
			assert.Error(t, err)
		})
	}
}

func TestMigrateEmbeddedIsCurrent(t *testing.T) {
	pool := testenv.Postgres(t)
	require.NoError(t, Migrate(context.Background(), pool))
	require.NoError(t, Migrate(context.Background(), pool))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(Migrate(context.Background(), nil)))
}
