package main

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/mercatohq/mercato/adapters/postgres"
)

// errNotWired: SEAM(ports) until order.NewService takes its ports.
var errNotWired = errors.New("the order service is not wired yet")

// recoveryInterval is how often the order service finishes or
// compensates checkouts that stopped half-way (an instance killed
// mid-checkout, a service that was down).
const recoveryInterval = 10 * time.Second

// ordersGroup is the consumer group of the order service's handlers:
// refunds made in the payment provider's dashboard.
const ordersGroup = "orders"

// wireOrder runs the orders and the checkout saga in the order schema,
// reaching the carts, the stock and the payments of the other services
// by RPC. Every instance runs the recovery worker: the orders' row locks
// make two workers on one order harmless.
func wireOrder(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openPostgres(ctx); err != nil {
		return nil, err
	}
	store, err := postgres.NewOrderStore(p.pool, p.pg)
	if err != nil {
		return nil, err
	}
	_ = store
	// SEAM(ports, rpc): order.NewService over the remote carts, stock
	// and payments; RunRecovery; payment.refunded.
	return nil, errNotWired
}
