package stripe_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// TestStripeDashboardRefundWebhook: a refund made in Stripe's dashboard
// arrives as a signed charge.refunded listing it. The payment service
// over the adapter records it once, as if made through Mercato, though
// Stripe delivers the webhook twice.
func TestStripeDashboardRefundWebhook(t *testing.T) {
	_, p := newFakeStripe(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/payment_intents":
			reply(w, 200, intentJSON("pi_dash", "requires_capture", 1999, 0, ""))
		case strings.HasSuffix(r.URL.Path, "/capture"):
			reply(w, 200, intentJSON("pi_dash", "succeeded", 1999, 1999, ""))
		default:
			reply(w, 404, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"no"}}`)
		}
	})
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), p, &payment.Options{
		Sleep: func(context.Context, time.Duration) error { return nil },
	})
	require.NoError(t, err)
	ctx := context.Background()
	order := commerce.NewID[commerce.OrderID]()
	pay, err := svc.Authorize(ctx, payment.AuthorizeInput{OrderID: order, Amount: commerce.MustMoney(1999, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "order-" + order.String(), CaptureNow: true})
	require.NoError(t, err)
	require.Equal(t, payment.StatusCompleted, pay.Status)

	payload := []byte(`{"id":"evt_refund_1","object":"event","type":"charge.refunded","created":1700000000,
		"data":{"object":{"id":"ch_dash","object":"charge","payment_intent":"pi_dash","amount":1999,"amount_refunded":700,
		"currency":"usd","refunded":false,"metadata":{"mercato_payment_id":"` + pay.ID.String() + `"},
		"refunds":{"object":"list","has_more":false,"data":[
			{"id":"re_dash","object":"refund","amount":700,"currency":"usd","status":"succeeded"},
			{"id":"re_failed","object":"refund","amount":300,"currency":"usd","status":"failed"}]}}}}`)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: testSecret})
	ev, err := p.ParseWebhook(ctx, signed.Payload, signed.Header)
	require.NoError(t, err)
	assert.Equal(t, payment.EventRefunded, ev.Type)
	assert.Equal(t, []payment.ProviderRefund{{Ref: "re_dash", Amount: commerce.MustMoney(700, "USD")}}, ev.Refunds, "succeeded refunds only")

	for range 2 {
		require.NoError(t, svc.HandleWebhook(ctx, signed.Payload, signed.Header))
	}
	got, err := svc.Get(ctx, pay.ID)
	require.NoError(t, err)
	assert.Equal(t, commerce.MustMoney(700, "USD"), got.RefundedAmount)
	refunds, err := svc.Refunds(ctx, pay.ID)
	require.NoError(t, err)
	require.Len(t, refunds, 1)
	assert.Equal(t, "re_dash", refunds[0].ProviderRef)
	assert.Equal(t, payment.RefundSucceeded, refunds[0].Status)
}
