package main

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// wirePayment runs the payments in the payment schema over the fake
// provider, which takes Stripe's test tokens: pm_card_visa approves,
// pm_card_chargeDeclined declines. Its webhooks are signed with the
// shared webhook secret.
func wirePayment(ctx context.Context, p *process) (http.Handler, error) {
	if err := p.openPostgres(ctx); err != nil {
		return nil, err
	}
	store, err := postgres.NewPaymentStore(p.pool, p.pg)
	if err != nil {
		return nil, err
	}
	// The fake captures in the authorization call, as Stripe does.
	provider := fakeprovider.New(&fakeprovider.Options{WebhookSecret: p.cfg.WebhookSecret, AutoCapture: true})
	payments, err := payment.NewService(store, provider, &payment.Options{Logger: p.log})
	if err != nil {
		return nil, err
	}
	return serve(p, apiServices{Payments: payments}, rpcServers{Payments: payments})
}
