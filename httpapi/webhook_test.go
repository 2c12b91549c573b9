package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/payment"
)

// webhook posts a provider notification.
func (s *shop) webhook(payload []byte, signature string) reply {
	s.t.Helper()
	var headers []string
	if signature != "" {
		headers = []string{"Stripe-Signature", signature}
	}
	return s.do(http.MethodPost, "/webhooks/stripe", "", payload, headers...)
}

// TestWebhookApplies: a signed notification moves the payment it is
// about, once, however often it is delivered.
func TestWebhookApplies(t *testing.T) {
	s := newShop(t)
	// An authorization waiting for its capture, as the provider sees it.
	p, err := s.svc.Payments.Authorize(context.Background(), payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(4200, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "webhook-test-1",
	})
	require.NoError(t, err)
	require.Equal(t, payment.StatusAuthorized, p.Status)

	payload, sig := s.provider.SignedEvent(payment.WebhookEvent{Type: payment.EventSucceeded, Ref: p.ProviderRef})
	r := s.webhook(payload, sig)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var ack httpapi.WebhookResponse
	r.json(t, &ack)
	assert.True(t, ack.Received)

	r = s.admin(http.MethodGet, "/admin/payments/"+p.ID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got payment.Payment
	r.json(t, &got)
	assert.True(t, got.Status.Captured(), "the notification captured the payment: %s", got.Status)
	assert.Equal(t, commerce.MustMoney(4200, "USD"), got.CapturedAmount)

	// A redelivery is acknowledged and changes nothing.
	r = s.webhook(payload, sig)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	s.events.WaitFor(t, eventWait, "payment.captured", 1)
	assert.Len(t, s.events.Named("payment.captured"), 1)

	// A failure reported after the success changes nothing either.
	payload, sig = s.provider.SignedEvent(payment.WebhookEvent{Type: payment.EventFailed, Ref: p.ProviderRef, FailureCode: "late"})
	r = s.webhook(payload, sig)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	after, err := s.svc.Payments.Get(context.Background(), p.ID)
	require.NoError(t, err)
	assert.Equal(t, got.Status, after.Status)

	// A notification about a payment the shop does not know is
	// acknowledged, so the provider stops sending it.
	payload, sig = s.provider.SignedEvent(payment.WebhookEvent{Type: payment.EventSucceeded, Ref: "pi_unknown"})
	r = s.webhook(payload, sig)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}

// TestWebhookRefusesBadNotifications: a bad signature or payload is 400
// (never 401 or 500), and changes nothing.
func TestWebhookRefusesBadNotifications(t *testing.T) {
	s := newShop(t)
	p, err := s.svc.Payments.Authorize(context.Background(), payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(4200, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "webhook-test-2",
	})
	require.NoError(t, err)
	payload, sig := s.provider.SignedEvent(payment.WebhookEvent{Type: payment.EventCancelled, Ref: p.ProviderRef})
	stale, staleSig := s.provider.SignedEventAt(payment.WebhookEvent{Type: payment.EventCancelled, Ref: p.ProviderRef}, time.Now().Add(-time.Hour))
	garbage := []byte(`{"id":`)
	tampered := []byte(strings.Replace(string(payload), "cancelled", "succeeded", 1))

	cases := []struct {
		name      string
		payload   []byte
		signature string
		status    int
		field     string
	}{
		{"no signature", payload, "", 400, "Stripe-Signature"},
		{"malformed signature", payload, "v1=zz", 400, "Stripe-Signature"},
		{"tampered payload", tampered, sig, 400, "Stripe-Signature"},
		{"another secret", payload, "t=" + strings.Split(strings.TrimPrefix(sig, "t="), ",")[0] + ",v1=" + strings.Repeat("ab", 32), 400, "Stripe-Signature"},
		{"stale signature", stale, staleSig, 400, "Stripe-Signature"},
		{"signed garbage", garbage, s.provider.Sign(garbage, time.Now()), 400, "body"},
		{"too large", []byte(strings.Repeat("x", 2<<20)), sig, 413, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.webhook(tc.payload, tc.signature)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			e := errorBody(t, r)
			assert.Equal(t, commerce.CodeInvalidArgument, e.Code)
			if tc.field != "" {
				assert.Equal(t, tc.field, e.Details["field"])
			}
			assert.Empty(t, r.header.Get("WWW-Authenticate"), "the provider has no bearer token to offer")
		})
	}
	got, err := s.svc.Payments.Get(context.Background(), p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusAuthorized, got.Status, "no refused notification changed the payment")

	r := s.webhook(payload, sig)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got, err = s.svc.Payments.Get(context.Background(), p.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCancelled, got.Status)
}
