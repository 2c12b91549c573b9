package postgres

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
)

//go:embed migrations
var migrationFiles embed.FS

// Migrate brings the pool's current schema up to date with the migrations
// embedded in this package. It runs every pending migration, with the
// bookkeeping that records it, in one transaction under an advisory lock
// keyed by the schema, so concurrent callers (several processes starting
// at once) wait for one another and each migration runs exactly once. A
// schema that is already current costs one short transaction.
//
// Migrate fails with FailedPrecondition when an applied migration's
// checksum differs from the embedded file, which means the binary and the
// database disagree about history. Migrations newer than this binary that
// a later version applied are left alone.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	if pool == nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "postgres: Migrate needs a pool")
	}
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return commerce.Errorf(commerce.CodeInternal, "postgres: embedded migrations: %w", err)
	}
	return migrate(ctx, pool, sub)
}

// migration is one versioned SQL file.
type migration struct {
	version  int
	name     string
	sql      string
	checksum string
}

func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "postgres: read migrations: %w", err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".sql" {
			continue
		}
		prefix, _, ok := strings.Cut(e.Name(), "_")
		version, err := strconv.Atoi(prefix)
		if !ok || err != nil || version <= 0 {
			return nil, commerce.Errorf(commerce.CodeInternal, "postgres: migration %q is not named NNNN_name.sql", e.Name())
		}
		if other, dup := seen[version]; dup {
			return nil, commerce.Errorf(commerce.CodeInternal, "postgres: migrations %q and %q share version %d", other, e.Name(), version)
		}
		seen[version] = e.Name()
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, commerce.Errorf(commerce.CodeInternal, "postgres: read migration %q: %w", e.Name(), err)
		}
		sum := sha256.Sum256(body)
		out = append(out, migration{version: version, name: e.Name(), sql: string(body), checksum: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS) error {
	migrations, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	return inTx(ctx, pool, "migrate", func(tx pgx.Tx) error {
		// The lock is per schema: isolated shops in one database do not
		// wait for each other.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('mercato.migrate.' || current_schema()))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS mercato_schema_migrations (
			version    integer PRIMARY KEY,
			name       text        NOT NULL,
			checksum   text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now()
		)`); err != nil {
			return err
		}
		applied := map[int]string{}
		rows, err := tx.Query(ctx, `SELECT version, checksum FROM mercato_schema_migrations`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			var sum string
			if err := rows.Scan(&v, &sum); err != nil {
				return err
			}
			applied[v] = sum
		}
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range migrations {
			if sum, ok := applied[m.version]; ok {
				if sum != m.checksum {
					return commerce.Errorf(commerce.CodeFailedPrecondition, "postgres: migration %s changed after it was applied", m.name)
				}
				continue
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return classify(err, "apply migration "+m.name)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO mercato_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
				m.version, m.name, m.checksum); err != nil {
				return err
			}
		}
		return nil
	})
}
