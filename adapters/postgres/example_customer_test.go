package postgres_test

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/customer"
)

// Customers in PostgreSQL, their events in the transactional outbox.
func ExampleNewCustomerStore() {
	ctx := context.Background()
	var pool *pgxpool.Pool     // the host's pool
	var outbox postgres.Outbox // e.g. a *pgbus.Outbox
	if pool == nil {
		return
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		fmt.Println(err)
		return
	}
	store, err := postgres.NewCustomerStore(pool, &postgres.Options{Outbox: outbox})
	if err != nil {
		fmt.Println(err)
		return
	}
	svc, err := customer.NewService(store, &customer.Options{
		Keys:         map[string][]byte{"2025-01": []byte("load me from a secret manager, 32+ bytes")},
		CurrentKeyID: "2025-01",
		Issuer:       "https://shop.example.com",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = svc
}
