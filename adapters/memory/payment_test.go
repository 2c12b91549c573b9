package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/paymenttest"
)

func TestPaymentStore(t *testing.T) {
	paymenttest.Run(t, func(_ testing.TB, events commerce.EventPublisher) payment.Store {
		return memory.NewPaymentStore(&memory.Options{Events: events})
	})
}

func BenchmarkPaymentAuthorizeCapture(b *testing.B) {
	paymenttest.BenchAuthorizeCapture(b, func(testing.TB, commerce.EventPublisher) payment.Store {
		return memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}})
	})
}
