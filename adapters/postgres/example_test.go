package postgres_test

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
)

// A host migrates once at start-up, from every process: the advisory lock
// lets exactly one of them apply what is pending.
func ExampleMigrate() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		fmt.Println(err)
	}
}

// A host that manages its schema with golang-migrate or goose gives it
// these files instead of calling Migrate, for example with golang-migrate's
// iofs.New(fsys, ".") or goose's SetBaseFS(fsys) and Up(db, ".").
func ExampleMigrations() {
	fsys, err := postgres.Migrations()
	if err != nil {
		fmt.Println(err)
		return
	}
	files, err := fs.Glob(fsys, "*.up.sql")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(files[0], files[1])
	// Output: 0001_catalog.up.sql 0002_customer.up.sql
}

// Every store on one pool, their events going to one outbox.
func ExampleNewStores() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/test")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Close()
	if err := postgres.Migrate(ctx, pool); err != nil {
		fmt.Println(err)
		return
	}
	var outbox postgres.Outbox // a *pgbus.Outbox in a real host
	stores, err := postgres.NewStores(pool, &postgres.Options{Outbox: outbox})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = stores.Orders
}
