package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	// EnvPostgresURL names the environment variable holding the PostgreSQL
	// connection string (URL or keyword/value form).
	EnvPostgresURL = "MERCATO_POSTGRES_URL"
	// DefaultPostgresURL is used when [EnvPostgresURL] is unset.
	DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
)

// maxIdentLen is PostgreSQL's identifier length limit (NAMEDATALEN-1).
const maxIdentLen = 63

// Postgres returns a connection pool confined to a fresh schema created for
// this test. Every connection of the pool has that schema, and only that
// schema, as its search_path, so unqualified CREATE TABLE, migrations and
// queries stay inside it (built-ins from pg_catalog remain visible; objects
// in public, such as extensions, must be schema-qualified).
//
// At cleanup the pool is closed and the schema dropped with CASCADE over a
// separate connection. If PostgreSQL cannot be reached the test is skipped,
// or failed when [EnvRequireServices] is set; see the package documentation.
func Postgres(t testing.TB) *pgxpool.Pool {
	t.Helper()
	dsn := PostgresDSN()
	schema := createSchema(t, dsn)

	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", EnvPostgresURL, err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = quoteIdent(schema)

	ctx, cancel := context.WithTimeout(context.Background(), 2*connectTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
		if err != nil {
			pool.Close()
		}
	}
	if err != nil {
		requireOrSkip(t, "postgres", dsn, EnvPostgresURL, err)
	}
	t.Cleanup(func() { closePool(t, pool) })
	return pool
}

// PostgresURL creates a fresh schema for this test, exactly as [Postgres]
// does, and returns a connection string whose connections use it as their
// search_path (through the options parameter, "-c search_path=..."). It is
// meant for libraries that open their own connections from a DSN. The
// schema is dropped at cleanup; the caller must close whatever it opened
// with the string before then (register that with t.Cleanup after calling
// PostgresURL, since cleanups run last-in first-out).
//
// In keyword/value form an options setting already present in
// [EnvPostgresURL] is overridden rather than extended.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := PostgresDSN()
	schema := createSchema(t, dsn)
	out, err := withSearchPath(dsn, schema)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", EnvPostgresURL, err)
	}
	return out
}

// PostgresDSN returns the configured PostgreSQL connection string: the value
// of [EnvPostgresURL], or [DefaultPostgresURL]. Connections made with it are
// not isolated; use [Postgres] or [PostgresURL] in tests.
func PostgresDSN() string {
	return envOr(EnvPostgresURL, DefaultPostgresURL)
}

// createSchema creates a uniquely named schema for t and registers its
// removal, returning the (unquoted) name. It skips or fails t when the
// server is unreachable.
func createSchema(t testing.TB, dsn string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("testenv: parse %s: %v", EnvPostgresURL, err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = connectTimeout
	}
	schema := schemaName(t.Name())

	ctx, cancel := context.WithTimeout(context.Background(), 2*connectTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		requireOrSkip(t, "postgres", dsn, EnvPostgresURL, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+quoteIdent(schema)); err != nil {
		t.Fatalf("testenv: create schema %s: %v", schema, err)
	}
	t.Cleanup(func() { dropSchema(t, cfg, schema) })
	return schema
}

// dropSchema drops schema over a new connection made from cfg.
func dropSchema(t testing.TB, cfg *pgx.ConnConfig, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Errorf("testenv: drop schema %s: connect: %v", schema, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+quoteIdent(schema)+" CASCADE"); err != nil {
		t.Errorf("testenv: drop schema %s: %v", schema, err)
	}
}

// closePool closes pool, reporting (rather than hanging on) a connection the
// test acquired and never released.
func closePool(t testing.TB, pool *pgxpool.Pool) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		pool.Close()
	}()
	select {
	case <-done:
	case <-time.After(cleanupTimeout):
		t.Errorf("testenv: postgres pool not closed after %s: a connection acquired by the test was never released", cleanupTimeout)
	}
}

// schemaName builds a valid, unique, lowercase schema name for a test:
// "t_<sanitized test name>_<12 hex chars>", at most 63 bytes.
func schemaName(testName string) string {
	suffix := randomHex(6)
	// "t_" + name + "_" + suffix
	room := maxIdentLen - len("t_") - len("_") - len(suffix)
	name := sanitizeName(strings.ToLower(testName), room, func(r rune) bool { return isAlnum(r) || r == '_' })
	if name == "" {
		return "t_" + suffix
	}
	return "t_" + name + "_" + suffix
}

// quoteIdent quotes a PostgreSQL identifier.
func quoteIdent(s string) string {
	return pgx.Identifier{s}.Sanitize()
}

// withSearchPath returns dsn with "-c search_path=<schema>" added to its
// options parameter. schema must come from [schemaName], which guarantees
// it needs no quoting or escaping.
func withSearchPath(dsn, schema string) (string, error) {
	opt := "-c search_path=" + schema
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", err
		}
		q := u.Query()
		if prev := q.Get("options"); prev != "" {
			opt = prev + " " + opt
		}
		q.Set("options", opt)
		// Encode writes spaces as '+', which libpq does not decode; use %20
		// so the string works outside Go too. A literal '+' is already %2B.
		u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
		return u.String(), nil
	}
	if strings.TrimSpace(dsn) == "" {
		return "", errors.New("empty connection string")
	}
	return fmt.Sprintf("%s options='%s'", dsn, opt), nil
}
