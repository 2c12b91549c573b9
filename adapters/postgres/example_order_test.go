package postgres_test

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// Orders, stock and payments in PostgreSQL, on one pool and one outbox,
// so each change commits with its events. Carts may live elsewhere (in
// Redis, say): the order service only talks to the cart service.
func ExampleNewOrderStore() {
	ctx := context.Background()
	var pool *pgxpool.Pool     // the host's pool
	var outbox postgres.Outbox // e.g. a *pgbus.Outbox
	var carts *cart.Service    // over the host's cart store
	var provider payment.Provider
	if pool == nil {
		return
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		fmt.Println(err)
		return
	}
	opts := &postgres.Options{Outbox: outbox}
	stockStore, err := postgres.NewInventoryStore(pool, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	stock, err := inventory.NewService(stockStore, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	paymentStore, err := postgres.NewPaymentStore(pool, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	payments, err := payment.NewService(paymentStore, provider, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	orderStore, err := postgres.NewOrderStore(pool, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The order and stock stores share the pool: a checkout's stock and
	// order changes commit together, in the order store's units of work.
	orders, err := order.NewService(orderStore, carts, stock, payments, &order.Options{UnitOfWork: orderStore})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = orders
}
