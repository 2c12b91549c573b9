package postgres_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/paymenttest"
)

func TestPaymentStore(t *testing.T) {
	paymenttest.Run(t, func(t testing.TB, events commerce.EventPublisher) payment.Store {
		pool := newPool(t)
		store, err := postgres.NewPaymentStore(pool, &postgres.Options{Outbox: outboxTo(t, pool, events, payment.RegisterEvents)})
		if err != nil {
			t.Fatalf("payment store: %v", err)
		}
		return store
	})
}

func BenchmarkPaymentAuthorizeCapture(b *testing.B) {
	paymenttest.BenchAuthorizeCapture(b, func(t testing.TB, events commerce.EventPublisher) payment.Store {
		pool := newPool(t)
		store, err := postgres.NewPaymentStore(pool, &postgres.Options{Outbox: outboxTo(t, pool, events, payment.RegisterEvents)})
		if err != nil {
			t.Fatalf("payment store: %v", err)
		}
		return store
	})
}
