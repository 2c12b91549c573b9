package paymenttest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// Capabilities says which expectations of the provider suite a provider
// under test can meet. A real provider meets them all; stripe-mock, which
// answers every request with a canned fixture, meets none of them.
type Capabilities struct {
	// RealisticStatuses: results reflect the call (an authorization is
	// authorized, a capture captured, a cancel cancelled), amounts included,
	// and calls out of order (capturing a cancelled payment) are refused.
	RealisticStatuses bool
	// RealisticDeclines: Stripe's decline test tokens decline, with their
	// reasons.
	RealisticDeclines bool
	// Idempotency: a repeated idempotency key returns the first result (the
	// same reference), and a key reused with other parameters is refused.
	Idempotency bool
	// RealisticLookup: Lookup finds exactly what was created and reports
	// unknown references and keys as not found.
	RealisticLookup bool
	// CapturesOnAuthorize: an authorization that asks to capture
	// (AuthorizeRequest.Capture) comes back captured, in full. Without
	// it, such an authorization may come back authorized only.
	CapturesOnAuthorize bool
}

// ProviderHarness is what the provider suite needs.
type ProviderHarness struct {
	// New returns the provider under test. The suite calls it once per
	// subtest.
	New func(t testing.TB) payment.Provider
	// Sign returns the payload and signature header of a notification
	// about ev, as the provider's service would send it, signed at at.
	// ev.ID is set; ev.Amount may be the zero Money.
	Sign func(t testing.TB, p payment.Provider, ev payment.WebhookEvent, at time.Time) (payload []byte, header string)
	Capabilities
}

// RunProvider runs the provider suite.
func RunProvider(t *testing.T, h ProviderHarness) {
	t.Run("AuthorizeCaptureRefund", func(t *testing.T) { testProviderRoundTrip(t, h) })
	t.Run("AuthorizeWithCapture", func(t *testing.T) { testProviderAuthorizeWithCapture(t, h) })
	t.Run("AuthorizeCancel", func(t *testing.T) { testProviderCancel(t, h) })
	t.Run("IdempotencyKeyReuse", func(t *testing.T) { testProviderIdempotency(t, h) })
	t.Run("Lookup", func(t *testing.T) { testProviderLookup(t, h) })
	if h.RealisticDeclines {
		// A provider that cannot decline on demand (stripe-mock) has no
		// decline test here rather than an empty one; its adapter proves
		// its decline mapping against recorded error responses instead.
		t.Run("Declines", func(t *testing.T) { testProviderDeclines(t, h) })
	}
	t.Run("WebhookSignatures", func(t *testing.T) { testProviderWebhooks(t, h) })
}

func authorizeRequest(token string) payment.AuthorizeRequest {
	id := commerce.NewID[commerce.PaymentID]()
	return payment.AuthorizeRequest{
		PaymentID: id, OrderID: commerce.NewID[commerce.OrderID](), Amount: money(2000), PaymentMethod: token,
		IdempotencyKey: "suite-" + id.String() + "/authorize/1", Description: "provider suite",
		Metadata: map[string]string{"suite": "paymenttest"},
	}
}

func testProviderRoundTrip(t *testing.T, h ProviderHarness) {
	p := h.New(t)
	ctx := context.Background()
	require.NotEmpty(t, p.Name())
	req := authorizeRequest("pm_card_visa")
	auth, err := p.Authorize(ctx, req)
	require.NoError(t, err)
	require.NotEmpty(t, auth.Ref)

	capd, err := p.Capture(ctx, auth.Ref, money(1500), req.IdempotencyKey+"/capture")
	require.NoError(t, err)
	assert.NotEmpty(t, capd.Ref)

	ref, err := p.Refund(ctx, auth.Ref, money(500), req.IdempotencyKey+"/refund/1")
	require.NoError(t, err)
	assert.NotEmpty(t, ref.Ref)

	looked, err := p.Lookup(ctx, payment.LookupRequest{Ref: auth.Ref})
	require.NoError(t, err)
	assert.NotEqual(t, payment.ProviderNotFound, looked.Status)

	if !h.RealisticStatuses {
		return
	}
	assert.Equal(t, payment.ProviderAuthorized, auth.Status)
	assert.Equal(t, money(2000), auth.Amount)
	assert.Equal(t, payment.ProviderCaptured, capd.Status)
	assert.Equal(t, money(1500), capd.Captured)
	assert.Equal(t, payment.RefundSucceeded, ref.Status)
	assert.Equal(t, payment.ProviderCaptured, looked.Status)
	assert.Equal(t, auth.Ref, looked.Ref)

	// More than is left to refund is refused.
	_, err = p.Refund(ctx, auth.Ref, money(1001), req.IdempotencyKey+"/refund/2")
	require.Error(t, err)
	assert.Equal(t, payment.KindInvalid, payment.KindOf(err))
	// Capturing more than was authorized is refused.
	other, err := p.Authorize(ctx, authorizeRequest("pm_card_mastercard"))
	require.NoError(t, err)
	_, err = p.Capture(ctx, other.Ref, money(2001), "suite-overcapture-"+other.Ref)
	require.Error(t, err)
	assert.Equal(t, payment.KindInvalid, payment.KindOf(err))
}

func testProviderAuthorizeWithCapture(t *testing.T, h ProviderHarness) {
	p := h.New(t)
	ctx := context.Background()
	req := authorizeRequest("pm_card_visa")
	req.Capture = true
	res, err := p.Authorize(ctx, req)
	require.NoError(t, err)
	require.NotEmpty(t, res.Ref)
	if !h.RealisticStatuses {
		return
	}
	if res.Status == payment.ProviderAuthorized && !h.CapturesOnAuthorize {
		// It only authorized: the capture takes its own call.
		res, err = p.Capture(ctx, res.Ref, money(2000), req.IdempotencyKey+"/capture")
		require.NoError(t, err)
	}
	assert.Equal(t, payment.ProviderCaptured, res.Status)
	assert.Equal(t, money(2000), res.Captured)
	looked, err := p.Lookup(ctx, payment.LookupRequest{Ref: res.Ref})
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderCaptured, looked.Status)
	if h.Idempotency {
		again, err := p.Authorize(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, res.Ref, again.Ref, "the same key returns the first result")
		req.Capture = false
		_, err = p.Authorize(ctx, req)
		require.Error(t, err, "the same key asking not to capture is another request")
		assert.Equal(t, payment.KindInvalid, payment.KindOf(err))
	}
}

func testProviderCancel(t *testing.T, h ProviderHarness) {
	p := h.New(t)
	ctx := context.Background()
	req := authorizeRequest("pm_card_visa")
	auth, err := p.Authorize(ctx, req)
	require.NoError(t, err)
	res, err := p.Cancel(ctx, auth.Ref, req.IdempotencyKey+"/cancel")
	require.NoError(t, err)
	assert.NotEmpty(t, res.Ref)
	if !h.RealisticStatuses {
		return
	}
	assert.Equal(t, payment.ProviderCancelled, res.Status)
	_, err = p.Capture(ctx, auth.Ref, money(2000), req.IdempotencyKey+"/capture")
	require.Error(t, err)
	assert.Equal(t, payment.KindInvalid, payment.KindOf(err))
	looked, err := p.Lookup(ctx, payment.LookupRequest{Ref: auth.Ref})
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderCancelled, looked.Status)
}

func testProviderIdempotency(t *testing.T, h ProviderHarness) {
	p := h.New(t)
	ctx := context.Background()
	req := authorizeRequest("pm_card_visa")
	first, err := p.Authorize(ctx, req)
	require.NoError(t, err)
	second, err := p.Authorize(ctx, req)
	require.NoError(t, err)
	c1, err := p.Capture(ctx, first.Ref, money(2000), req.IdempotencyKey+"/capture")
	require.NoError(t, err)
	c2, err := p.Capture(ctx, first.Ref, money(2000), req.IdempotencyKey+"/capture")
	require.NoError(t, err)
	if !h.Idempotency {
		return
	}
	assert.Equal(t, first.Ref, second.Ref, "the same key returns the first result")
	assert.Equal(t, c1, c2)
	changed := req
	changed.Amount = money(2001)
	_, err = p.Authorize(ctx, changed)
	require.Error(t, err, "a key reused with other parameters is refused")
	assert.Equal(t, payment.KindInvalid, payment.KindOf(err))
}

func testProviderLookup(t *testing.T, h ProviderHarness) {
	p := h.New(t)
	ctx := context.Background()
	req := authorizeRequest("pm_card_visa")
	auth, err := p.Authorize(ctx, req)
	require.NoError(t, err)
	byKey, err := p.Lookup(ctx, payment.LookupRequest{PaymentID: req.PaymentID, IdempotencyKey: req.IdempotencyKey})
	require.NoError(t, err)
	byID, err := p.Lookup(ctx, payment.LookupRequest{PaymentID: req.PaymentID})
	require.NoError(t, err)
	if !h.RealisticLookup {
		return
	}
	assert.Equal(t, auth.Ref, byKey.Ref)
	assert.Equal(t, payment.ProviderAuthorized, byKey.Status)
	assert.Equal(t, auth.Ref, byID.Ref)
	missing, err := p.Lookup(ctx, payment.LookupRequest{IdempotencyKey: "suite-never-sent"})
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderNotFound, missing.Status)
	missing, err = p.Lookup(ctx, payment.LookupRequest{Ref: "pi_suite_missing"})
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderNotFound, missing.Status)
}

func testProviderDeclines(t *testing.T, h ProviderHarness) {
	p := h.New(t)
	ctx := context.Background()
	for token, code := range map[string]string{
		"pm_card_chargeDeclined":                  "generic_decline",
		"pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
	} {
		_, err := p.Authorize(ctx, authorizeRequest(token))
		require.Error(t, err, token)
		assert.True(t, payment.IsDeclined(err), "%s: %v", token, err)
		var pe *payment.ProviderError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, code, pe.Code)
		assert.NotEmpty(t, pe.Message)
	}
}

func testProviderWebhooks(t *testing.T, h ProviderHarness) {
	p := h.New(t)
	ctx := context.Background()
	now := time.Now()
	pid := commerce.NewID[commerce.PaymentID]()
	cases := []payment.WebhookEvent{
		{ID: "evt_suite_auth", Type: payment.EventAuthorized, Ref: "pi_suite_1", PaymentID: pid, Amount: money(2000)},
		{ID: "evt_suite_ok", Type: payment.EventSucceeded, Ref: "pi_suite_1", PaymentID: pid, Amount: money(2000)},
		{ID: "evt_suite_fail", Type: payment.EventFailed, Ref: "pi_suite_1", PaymentID: pid, FailureCode: "insufficient_funds", FailureMessage: "Your card has insufficient funds."},
		{ID: "evt_suite_cancel", Type: payment.EventCancelled, Ref: "pi_suite_1", PaymentID: pid},
		{ID: "evt_suite_refund", Type: payment.EventRefunded, Ref: "pi_suite_1", Amount: money(500)},
	}
	for _, want := range cases {
		payload, header := h.Sign(t, p, want, now)
		got, err := p.ParseWebhook(ctx, payload, header)
		require.NoError(t, err, want.Type)
		assert.Equal(t, want.ID, got.ID)
		assert.Equal(t, want.Type, got.Type)
		assert.Equal(t, want.Ref, got.Ref)
		if want.PaymentID != "" {
			assert.Equal(t, want.PaymentID, got.PaymentID, want.Type)
		}
		if want.Amount.Currency() != "" {
			assert.Equal(t, want.Amount, got.Amount, want.Type)
		}
		assert.Equal(t, want.FailureCode, got.FailureCode)
		assert.Equal(t, want.FailureMessage, got.FailureMessage)

		// A redelivery parses to the same event ID, the deduplication key.
		again, err := p.ParseWebhook(ctx, payload, header)
		require.NoError(t, err)
		assert.Equal(t, got.ID, again.ID)
	}

	payload, header := h.Sign(t, p, cases[1], now)
	_, err := p.ParseWebhook(ctx, payload, "t=1,v1=deadbeef")
	requireCode(t, commerce.CodeUnauthenticated, err)
	_, err = p.ParseWebhook(ctx, payload, "")
	requireCode(t, commerce.CodeUnauthenticated, err)
	tampered := append([]byte(nil), payload...)
	tampered[len(tampered)/2] ^= 1
	_, err = p.ParseWebhook(ctx, tampered, header)
	requireCode(t, commerce.CodeUnauthenticated, err)

	// A replay of an old delivery is outside the tolerance.
	old, oldHeader := h.Sign(t, p, cases[1], now.Add(-time.Hour))
	_, err = p.ParseWebhook(ctx, old, oldHeader)
	requireCode(t, commerce.CodeUnauthenticated, err)
}
