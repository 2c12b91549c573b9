package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
)

// recoveryInterval is how often the order service finishes or
// compensates checkouts that stopped half-way (an instance killed
// mid-checkout, a service that was down).
const recoveryInterval = 10 * time.Second

// ordersGroup names the consumer groups of the order service's handlers
// (see consumerGroup): refunds made in the payment provider's dashboard.
const ordersGroup = "orders"

// wireOrder runs the orders and the checkout saga in the order schema,
// reaching the carts, the stock and the payments of the other services
// by RPC; every call that writes carries the checkout's idempotency key,
// so a checkout retried on another instance after a crash neither
// charges twice nor makes a second order. Every instance runs the
// recovery worker, which finishes or compensates checkouts left
// half-way. It serves the notification service the order directory:
// whom to write to about an order.
func wireOrder(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openPostgres(ctx); err != nil {
		return nil, err
	}
	store, err := postgres.NewOrderStore(p.pool, p.pg)
	if err != nil {
		return nil, err
	}
	carts, err := p.cartClient()
	if err != nil {
		return nil, err
	}
	stock, err := p.stockClient()
	if err != nil {
		return nil, err
	}
	payments, err := p.paymentClient()
	if err != nil {
		return nil, err
	}
	customers, err := p.customerClient()
	if err != nil {
		return nil, err
	}
	orders, err := order.NewService(store, carts, stock, payments, &order.Options{Logger: p.log})
	if err != nil {
		return nil, err
	}
	// A refund made in the provider's dashboard reaches the order too.
	if err := p.bus.Subscribe(p.group(ordersGroup, "payment.refunded"), "payment.refunded", orders.HandlePaymentRefunded); err != nil {
		return nil, fmt.Errorf("subscribe the orders to refunds: %w", err)
	}
	p.work(func(ctx context.Context) error { return orders.RunRecovery(ctx, recoveryInterval) })
	return serve(p, apiServices{Orders: orders, cartReader: carts, customerReader: customers},
		rpcServers{OrderDirectory: notify.OrderDirectory(orders, customers)})
}
