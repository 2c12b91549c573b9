package fakeprovider_test

import (
	"testing"
	"time"

	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
	"github.com/mercatohq/mercato/payment/paymenttest"
)

func TestPaymentFakeProviderSuite(t *testing.T) {
	paymenttest.RunProvider(t, paymenttest.ProviderHarness{
		New: func(testing.TB) payment.Provider { return fakeprovider.New(nil) },
		Sign: func(_ testing.TB, p payment.Provider, ev payment.WebhookEvent, at time.Time) ([]byte, string) {
			return p.(*fakeprovider.Provider).SignedEventAt(ev, at)
		},
		Capabilities: paymenttest.Capabilities{RealisticStatuses: true, RealisticDeclines: true, Idempotency: true, RealisticLookup: true},
	})
}
