package postgres

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Migrations returns the SQL migrations Migrate applies, for a host that
// manages its schema with goose or golang-migrate instead. The FS holds
// one file per migration in its root, named NNNN_name.up.sql and listed in
// version order:
//
//   - golang-migrate's iofs source reads them as up migrations (version
//     NNNN);
//   - goose reads the same version from the name, and each file starts
//     with a "-- +goose Up" annotation and wraps its body in
//     "-- +goose StatementBegin/StatementEnd", so goose sends it whole
//     (some bodies hold PL/pgSQL blocks) in its own transaction.
//
// The body is the migration Migrate runs, byte for byte; to either tool,
// and to PostgreSQL, the annotations are comments. There are no down
// migrations. Use one tool per schema: Migrate records what it applied in
// mercato_schema_migrations and knows nothing of another tool's table.
func Migrations() (fs.FS, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "postgres: embedded migrations: %w", err)
	}
	ms, err := loadMigrations(sub)
	if err != nil {
		return nil, err
	}
	out := make(migrationFS, 0, len(ms))
	for _, m := range ms {
		var b strings.Builder
		b.WriteString("-- +goose Up\n-- +goose StatementBegin\n")
		b.WriteString(m.sql)
		if !strings.HasSuffix(m.sql, "\n") {
			b.WriteString("\n")
		}
		b.WriteString("-- +goose StatementEnd\n")
		out = append(out, migrationFile{name: strings.TrimSuffix(m.name, ".sql") + ".up.sql", data: []byte(b.String())})
	}
	return out, nil
}

// migrationFS is a read-only, flat, in-memory FS whose files are listed in
// the order they are held (loadMigrations sorts them by version, which the
// zero-padded names also sort by).
type migrationFS []migrationFile

type migrationFile struct {
	name string
	data []byte
}

var (
	_ fs.ReadDirFS  = migrationFS(nil)
	_ fs.ReadFileFS = migrationFS(nil)
)

// Open opens the root directory or one of its files.
func (m migrationFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if name == "." {
		return &migrationDir{entries: m.entries()}, nil
	}
	f, ok := m.find(name)
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &openMigration{info: f.info(), Reader: bytes.NewReader(f.data)}, nil
}

// ReadDir lists the root directory.
func (m migrationFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name != "." {
		if _, ok := m.find(name); ok || !fs.ValidPath(name) {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrInvalid}
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return m.entries(), nil
}

// ReadFile returns a copy of a file's content.
func (m migrationFS) ReadFile(name string) ([]byte, error) {
	f, ok := m.find(name)
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return bytes.Clone(f.data), nil
}

func (m migrationFS) find(name string) (migrationFile, bool) {
	for _, f := range m {
		if f.name == name {
			return f, true
		}
	}
	return migrationFile{}, false
}

func (m migrationFS) entries() []fs.DirEntry {
	out := make([]fs.DirEntry, len(m))
	for i, f := range m {
		out[i] = fs.FileInfoToDirEntry(f.info())
	}
	return out
}

func (f migrationFile) info() fileInfo {
	return fileInfo{name: f.name, size: int64(len(f.data)), mode: 0o444}
}

// fileInfo describes a migration file or the root directory.
type fileInfo struct {
	name string
	size int64
	mode fs.FileMode
}

func (i fileInfo) Name() string       { return path.Base(i.name) }
func (i fileInfo) Size() int64        { return i.size }
func (i fileInfo) Mode() fs.FileMode  { return i.mode }
func (i fileInfo) ModTime() time.Time { return time.Time{} }
func (i fileInfo) IsDir() bool        { return i.mode.IsDir() }
func (i fileInfo) Sys() any           { return nil }

type openMigration struct {
	info fileInfo
	*bytes.Reader
}

func (f *openMigration) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *openMigration) Close() error               { return nil }

// migrationDir is the open root directory.
type migrationDir struct {
	entries []fs.DirEntry
	read    int
}

func (d *migrationDir) Stat() (fs.FileInfo, error) {
	return fileInfo{name: ".", mode: fs.ModeDir | 0o555}, nil
}
func (d *migrationDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: fs.ErrInvalid}
}
func (d *migrationDir) Close() error { return nil }

// ReadDir returns the next n entries, or all that are left when n <= 0.
func (d *migrationDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.read:]
	if n <= 0 {
		d.read = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.read += n
	return rest[:n], nil
}
