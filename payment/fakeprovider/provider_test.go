package fakeprovider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
	"github.com/mercatohq/mercato/payment/paymenttest"
)

func TestPaymentFakeProviderSuite(t *testing.T) {
	sign := func(_ testing.TB, p payment.Provider, ev payment.WebhookEvent, at time.Time) ([]byte, string) {
		return p.(*fakeprovider.Provider).SignedEventAt(ev, at)
	}
	realistic := paymenttest.Capabilities{RealisticStatuses: true, RealisticDeclines: true, Idempotency: true, RealisticLookup: true}
	t.Run("TwoCallCapture", func(t *testing.T) {
		paymenttest.RunProvider(t, paymenttest.ProviderHarness{
			New: func(testing.TB) payment.Provider { return fakeprovider.New(nil) }, Sign: sign, Capabilities: realistic,
		})
	})
	t.Run("AutoCapture", func(t *testing.T) {
		c := realistic
		c.CapturesOnAuthorize = true
		paymenttest.RunProvider(t, paymenttest.ProviderHarness{
			New:  func(testing.TB) payment.Provider { return fakeprovider.New(&fakeprovider.Options{AutoCapture: true}) },
			Sign: sign, Capabilities: c,
		})
	})
}

// TestFakeProviderReferencesAreUniqueAcrossRestarts: a fake started again
// (a restarted shop on a durable store) hands out none of the references
// of the one before, which the store still holds.
func TestFakeProviderReferencesAreUniqueAcrossRestarts(t *testing.T) {
	ctx := context.Background()
	seen := map[string]bool{}
	for run := range 3 {
		fake := fakeprovider.New(nil)
		for i := range 50 {
			res, err := fake.Authorize(ctx, payment.AuthorizeRequest{
				PaymentID: commerce.NewID[commerce.PaymentID](), OrderID: commerce.NewID[commerce.OrderID](),
				Amount: commerce.MustMoney(100, "USD"), PaymentMethod: "pm_card_visa", IdempotencyKey: fmt.Sprintf("k%d", i),
			})
			require.NoError(t, err)
			require.False(t, seen[res.Ref], "run %d reused reference %s", run, res.Ref)
			seen[res.Ref] = true
			ref, err := fake.Capture(ctx, res.Ref, res.Amount, fmt.Sprintf("c%d", i))
			require.NoError(t, err)
			refund, err := fake.Refund(ctx, ref.Ref, res.Amount, fmt.Sprintf("r%d", i))
			require.NoError(t, err)
			require.False(t, seen[refund.Ref], "run %d reused refund reference %s", run, refund.Ref)
			seen[refund.Ref] = true
		}
	}
}
