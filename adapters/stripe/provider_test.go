package stripe_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	stripego "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/mercatohq/mercato/adapters/stripe"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/paymenttest"

	"github.com/mercatohq/mercato/internal/testenv"
)

const testSecret = "whsec_mercato_test"

// TestStripeProviderSuite runs the provider suite against stripe-mock.
// stripe-mock validates every request against Stripe's OpenAPI
// specification but answers with canned fixtures, so only the
// shape-level expectations apply; the behaviour behind the capability
// flags is covered by the fake's run of the suite and by the classification
// tests against a Stripe-shaped httptest server.
func TestStripeProviderSuite(t *testing.T) {
	url := testenv.StripeMock(t)
	paymenttest.RunProvider(t, paymenttest.ProviderHarness{
		New: func(t testing.TB) payment.Provider {
			p, err := stripe.New("sk_test_123", &stripe.Options{BaseURL: url, WebhookSecret: testSecret})
			if err != nil {
				t.Fatal(err)
			}
			return p
		},
		Sign: func(t testing.TB, _ payment.Provider, ev payment.WebhookEvent, at time.Time) ([]byte, string) {
			return signedStripeEvent(t, ev, at)
		},
	})
}

// stripeTypes maps normalised types back to Stripe's event types.
var stripeTypes = map[payment.EventType]string{
	payment.EventAuthorized: "payment_intent.amount_capturable_updated",
	payment.EventSucceeded:  "payment_intent.succeeded",
	payment.EventFailed:     "payment_intent.payment_failed",
	payment.EventCancelled:  "payment_intent.canceled",
	payment.EventRefunded:   "charge.refunded",
}

// signedStripeEvent builds a Stripe event about ev and signs it as Stripe
// does, with webhook.GenerateTestSignedPayload.
func signedStripeEvent(t testing.TB, ev payment.WebhookEvent, at time.Time) ([]byte, string) {
	t.Helper()
	cur := strings.ToLower(string(ev.Amount.Currency()))
	if cur == "" {
		cur = "usd"
	}
	var object map[string]any
	if ev.Type == payment.EventRefunded {
		object = map[string]any{"id": "ch_suite", "object": "charge", "payment_intent": ev.Ref,
			"amount_refunded": ev.Amount.Amount(), "currency": cur, "refunded": false,
			"metadata": map[string]string{"mercato_payment_id": ev.PaymentID.String()}}
	} else {
		object = map[string]any{"id": ev.Ref, "object": "payment_intent", "amount": ev.Amount.Amount(),
			"amount_capturable": ev.Amount.Amount(), "amount_received": ev.Amount.Amount(), "currency": cur,
			"capture_method": "manual", "metadata": map[string]string{"mercato_payment_id": ev.PaymentID.String()}}
		if ev.FailureCode != "" {
			object["last_payment_error"] = map[string]any{"type": "card_error", "code": "card_declined",
				"decline_code": ev.FailureCode, "message": ev.FailureMessage}
		}
	}
	payload, err := json.Marshal(map[string]any{
		"id": ev.ID, "object": "event", "type": stripeTypes[ev.Type], "api_version": stripego.APIVersion,
		"created": at.Unix(), "livemode": false, "data": map[string]any{"object": object},
	})
	if err != nil {
		t.Fatal(err)
	}
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: testSecret, Timestamp: at})
	return signed.Payload, signed.Header
}
