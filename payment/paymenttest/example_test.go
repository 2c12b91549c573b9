package paymenttest_test

import (
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
	"github.com/mercatohq/mercato/payment/paymenttest"
)

// A store runs the store suite, which drives a real payment.Service over
// it with the fake provider; a provider runs the provider suite, declaring
// which behaviours its test peer can show.
func Example() {
	newStore := func(_ testing.TB, events commerce.EventPublisher) payment.Store {
		return memory.NewPaymentStore(&memory.Options{Events: events})
	}
	_ = func(t *testing.T) { paymenttest.Run(t, newStore) } // in TestPaymentStore

	provider := paymenttest.ProviderHarness{
		New: func(testing.TB) payment.Provider { return fakeprovider.New(nil) },
		Sign: func(_ testing.TB, p payment.Provider, ev payment.WebhookEvent, at time.Time) ([]byte, string) {
			return p.(*fakeprovider.Provider).SignedEventAt(ev, at)
		},
		Capabilities: paymenttest.Capabilities{RealisticStatuses: true, RealisticDeclines: true, Idempotency: true, RealisticLookup: true},
	}
	_ = func(t *testing.T) { paymenttest.RunProvider(t, provider) } // in TestProvider
	// Output:
}
