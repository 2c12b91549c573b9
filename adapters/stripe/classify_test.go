package stripe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/stripe/stripe-go/v76/webhook"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/adapters/stripe"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// fakeStripe is an httptest server speaking Stripe's wire format, for the
// behaviour stripe-mock cannot show: declines, errors and lost replies.
type fakeStripe struct {
	*httptest.Server
	requests atomic.Int64
}

func newFakeStripe(t *testing.T, handler http.HandlerFunc) (*fakeStripe, *stripe.Provider) {
	t.Helper()
	f := &fakeStripe{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		handler(w, r)
	}))
	t.Cleanup(f.Close)
	p, err := stripe.New("sk_test_123", &stripe.Options{BaseURL: f.URL, WebhookSecret: testSecret})
	require.NoError(t, err)
	return f, p
}

func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = fmt.Fprint(w, body)
}

func intentJSON(id, status string, amount, received int64, extra string) string {
	return fmt.Sprintf(`{"id":%q,"object":"payment_intent","status":%q,"amount":%d,"amount_received":%d,"currency":"usd","capture_method":"manual"%s}`,
		id, status, amount, received, extra)
}

func req1999() payment.AuthorizeRequest {
	return payment.AuthorizeRequest{
		PaymentID: commerce.NewID[commerce.PaymentID](), OrderID: commerce.NewID[commerce.OrderID](),
		Amount: commerce.MustMoney(1999, "USD"), PaymentMethod: "pm_card_visa", IdempotencyKey: "key-1/authorize/1",
		Description: "Order 1",
	}
}

func TestStripeAuthorizeSendsAManualPaymentIntent(t *testing.T) {
	_, p := newFakeStripe(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/v1/payment_intents", r.URL.Path)
		assert.Equal(t, "key-1/authorize/1", r.Header.Get("Idempotency-Key"))
		require.NoError(t, r.ParseForm())
		assert.Equal(t, "1999", r.PostForm.Get("amount"))
		assert.Equal(t, "usd", r.PostForm.Get("currency"))
		assert.Equal(t, "manual", r.PostForm.Get("capture_method"))
		assert.Equal(t, "true", r.PostForm.Get("confirm"))
		assert.Equal(t, "pm_card_visa", r.PostForm.Get("payment_method"))
		assert.NotEmpty(t, r.PostForm.Get("metadata[mercato_payment_id]"))
		assert.NotEmpty(t, r.PostForm.Get("metadata[mercato_order_id]"))
		assert.Equal(t, "key-1/authorize/1", r.PostForm.Get("metadata[mercato_idempotency_key]"))
		reply(w, 200, intentJSON("pi_1", "requires_capture", 1999, 0, `,"amount_capturable":1999`))
	})
	res, err := p.Authorize(context.Background(), req1999())
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderResult{Ref: "pi_1", Status: payment.ProviderAuthorized,
		Amount: commerce.MustMoney(1999, "USD"), Captured: commerce.MustMoney(0, "USD")}, res)
}

// TestStripeAuthorizeWithCaptureSendsAnAutomaticPaymentIntent: a request
// that captures too is one automatic-capture PaymentIntent, succeeded in
// the answer: captured, nothing left to capture.
func TestStripeAuthorizeWithCaptureSendsAnAutomaticPaymentIntent(t *testing.T) {
	f, p := newFakeStripe(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/v1/payment_intents", r.URL.Path)
		require.NoError(t, r.ParseForm())
		assert.Equal(t, "automatic", r.PostForm.Get("capture_method"))
		assert.Equal(t, "true", r.PostForm.Get("confirm"))
		reply(w, 200, intentJSON("pi_2", "succeeded", 1999, 1999, ""))
	})
	req := req1999()
	req.Capture = true
	res, err := p.Authorize(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderResult{Ref: "pi_2", Status: payment.ProviderCaptured,
		Amount: commerce.MustMoney(1999, "USD"), Captured: commerce.MustMoney(1999, "USD")}, res)
	assert.Equal(t, int64(1), f.requests.Load())
}

func TestStripeErrorClassification(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		kind    payment.ErrorKind
		code    string
		message string
		ref     string
	}{
		{"card declined with a decline code", 402,
			`{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","payment_intent":{"id":"pi_declined","object":"payment_intent","status":"requires_payment_method"}}}`,
			payment.KindDeclined, "insufficient_funds", "Your card has insufficient funds.", "pi_declined"},
		{"card error without a decline code", 402,
			`{"error":{"type":"card_error","code":"expired_card","message":"Your card has expired."}}`,
			payment.KindDeclined, "expired_card", "Your card has expired.", ""},
		{"server error", 500, `{"error":{"type":"api_error","message":"Something went wrong."}}`,
			payment.KindTransient, "api_error", "Something went wrong.", ""},
		{"rate limited", 429, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests."}}`,
			payment.KindTransient, "rate_limit", "Too many requests.", ""},
		{"concurrent idempotent request", 409, `{"error":{"type":"invalid_request_error","code":"lock_timeout","message":"busy"}}`,
			payment.KindTransient, "lock_timeout", "busy", ""},
		{"unknown payment method", 400, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such PaymentMethod: 'pm_x'"}}`,
			payment.KindInvalid, "resource_missing", "No such PaymentMethod: 'pm_x'", ""},
		{"idempotency key reused", 400, `{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters."}}`,
			payment.KindInvalid, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters.", ""},
		{"bad API key", 401, `{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}`,
			payment.KindInvalid, "invalid_request_error", "Invalid API Key provided", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, p := newFakeStripe(t, func(w http.ResponseWriter, _ *http.Request) { reply(w, c.status, c.body) })
			res, err := p.Authorize(context.Background(), req1999())
			require.Error(t, err)
			var pe *payment.ProviderError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, c.kind, pe.Kind)
			assert.Equal(t, c.code, pe.Code)
			assert.Equal(t, c.message, pe.Message)
			assert.Equal(t, c.ref, res.Ref)
			assert.Equal(t, int64(1), f.requests.Load(), "stripe-go must not retry: the service owns retries")
		})
	}
}

func TestStripeDeclineInASuccessfulResponse(t *testing.T) {
	_, p := newFakeStripe(t, func(w http.ResponseWriter, _ *http.Request) {
		reply(w, 200, intentJSON("pi_2", "requires_payment_method", 1999, 0,
			`,"last_payment_error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}`))
	})
	res, err := p.Authorize(context.Background(), req1999())
	require.True(t, payment.IsDeclined(err), "%v", err)
	assert.Equal(t, "pi_2", res.Ref)
	assert.Equal(t, "generic_decline", res.FailureCode)
}

func TestStripeLostRepliesAreUnknown(t *testing.T) {
	t.Run("hung connection", func(t *testing.T) {
		received := make(chan struct{})
		release := make(chan struct{})
		_, p := newFakeStripe(t, func(_ http.ResponseWriter, r *http.Request) {
			close(received)
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		// Registered after the server, so it runs before the server's Close
		// waits for the handler.
		t.Cleanup(func() { close(release) })
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-received
			cancel()
		}()
		_, err := p.Authorize(ctx, req1999())
		assert.True(t, payment.IsUnknownOutcome(err), "%v", err)
	})
	t.Run("closed connection", func(t *testing.T) {
		_, p := newFakeStripe(t, func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		})
		_, err := p.Authorize(context.Background(), req1999())
		assert.True(t, payment.IsUnknownOutcome(err), "%v", err)
	})
	t.Run("connection refused is transient", func(t *testing.T) {
		f, p := newFakeStripe(t, func(http.ResponseWriter, *http.Request) {})
		f.Close()
		_, err := p.Authorize(context.Background(), req1999())
		assert.True(t, payment.IsTransient(err), "%v", err)
	})
}

func TestStripeCaptureCancelRefundLookup(t *testing.T) {
	_, p := newFakeStripe(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		switch {
		case r.URL.Path == "/v1/payment_intents/pi_3/capture":
			assert.Equal(t, "1500", r.PostForm.Get("amount_to_capture"))
			assert.Equal(t, "k/capture", r.Header.Get("Idempotency-Key"))
			reply(w, 200, intentJSON("pi_3", "succeeded", 1999, 1500, ""))
		case r.URL.Path == "/v1/payment_intents/pi_3/cancel":
			assert.Equal(t, "k/cancel", r.Header.Get("Idempotency-Key"))
			reply(w, 200, intentJSON("pi_3", "canceled", 1999, 0, ""))
		case r.URL.Path == "/v1/refunds":
			assert.Equal(t, "pi_3", r.PostForm.Get("payment_intent"))
			assert.Equal(t, "500", r.PostForm.Get("amount"))
			assert.Equal(t, "k/refund", r.Header.Get("Idempotency-Key"))
			reply(w, 200, `{"id":"re_1","object":"refund","status":"pending","amount":500,"currency":"usd"}`)
		case r.URL.Path == "/v1/payment_intents/pi_missing":
			reply(w, 404, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"No such payment_intent"}}`)
		case r.URL.Path == "/v1/payment_intents/pi_3":
			reply(w, 200, intentJSON("pi_3", "processing", 1999, 0, ""))
		case r.URL.Path == "/v1/payment_intents/search":
			q := r.URL.Query().Get("query")
			if strings.Contains(q, "none") {
				reply(w, 200, `{"object":"search_result","data":[],"has_more":false}`)
				return
			}
			assert.Equal(t, `metadata['mercato_idempotency_key']:'it\'s/authorize/1'`, q)
			reply(w, 200, `{"object":"search_result","has_more":false,"data":[`+
				intentJSON("pi_old", "canceled", 1999, 0, `,"created":1`)+`,`+
				intentJSON("pi_new", "requires_capture", 1999, 0, `,"created":2`)+`]}`)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			reply(w, 500, `{}`)
		}
	})
	ctx := context.Background()
	usd := func(n int64) commerce.Money { return commerce.MustMoney(n, "USD") }
	res, err := p.Capture(ctx, "pi_3", usd(1500), "k/capture")
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderCaptured, res.Status)
	assert.Equal(t, usd(1500), res.Captured)
	res, err = p.Cancel(ctx, "pi_3", "k/cancel")
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderCancelled, res.Status)
	rf, err := p.Refund(ctx, "pi_3", usd(500), "k/refund")
	require.NoError(t, err)
	assert.Equal(t, payment.RefundResult{Ref: "re_1", Status: payment.RefundPending}, rf)

	res, err = p.Lookup(ctx, payment.LookupRequest{Ref: "pi_missing"})
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderNotFound, res.Status)
	res, err = p.Lookup(ctx, payment.LookupRequest{Ref: "pi_3"})
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderPending, res.Status)
	res, err = p.Lookup(ctx, payment.LookupRequest{IdempotencyKey: "it's/authorize/1"})
	require.NoError(t, err)
	assert.Equal(t, "pi_new", res.Ref, "the newest match wins")
	assert.Equal(t, payment.ProviderAuthorized, res.Status)
	res, err = p.Lookup(ctx, payment.LookupRequest{IdempotencyKey: "none"})
	require.NoError(t, err)
	assert.Equal(t, payment.ProviderNotFound, res.Status)
	_, err = p.Lookup(ctx, payment.LookupRequest{})
	assert.Equal(t, payment.KindInvalid, payment.KindOf(err))
}

// The Service over the adapter: a transient outage is retried with the
// same idempotency key, then the payment is authorized and captured.
func TestStripeServiceRetriesWithTheSameKey(t *testing.T) {
	var keys []string
	var calls atomic.Int64
	_, p := newFakeStripe(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/payment_intents":
			keys = append(keys, r.Header.Get("Idempotency-Key"))
			if calls.Add(1) == 1 {
				reply(w, 503, `{"error":{"type":"api_error","message":"try again"}}`)
				return
			}
			reply(w, 200, intentJSON("pi_svc", "requires_capture", 1999, 0, ""))
		case strings.HasSuffix(r.URL.Path, "/capture"):
			reply(w, 200, intentJSON("pi_svc", "succeeded", 1999, 1999, ""))
		default:
			reply(w, 404, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"no"}}`)
		}
	})
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), p, &payment.Options{
		Sleep: func(context.Context, time.Duration) error { return nil },
	})
	require.NoError(t, err)
	order := commerce.NewID[commerce.OrderID]()
	pay, err := svc.Authorize(context.Background(), payment.AuthorizeInput{OrderID: order, Amount: commerce.MustMoney(1999, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "order-" + order.String(), CaptureNow: true})
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, pay.Status)
	assert.Equal(t, "stripe", pay.Provider)
	assert.Equal(t, "pi_svc", pay.ProviderRef)
	require.Len(t, keys, 2)
	assert.Equal(t, keys[0], keys[1])
}

func TestStripeWebhookEdges(t *testing.T) {
	_, p := newFakeStripe(t, func(http.ResponseWriter, *http.Request) {})
	ctx := context.Background()
	payload := []byte(`{"id":"evt_x","object":"event","type":"customer.created","created":1,"data":{"object":{"id":"cus_1","object":"customer"}}}`)
	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: testSecret})
	ev, err := p.ParseWebhook(ctx, signed.Payload, signed.Header)
	require.NoError(t, err)
	assert.Equal(t, payment.EventIgnored, ev.Type)
	assert.Equal(t, "customer.created", ev.RawType)

	other := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: "whsec_other"})
	_, err = p.ParseWebhook(ctx, other.Payload, other.Header)
	assert.Equal(t, commerce.CodeUnauthenticated, commerce.Code(err))

	noSecret, err := stripe.New("sk_test_123", nil)
	require.NoError(t, err)
	_, err = noSecret.ParseWebhook(ctx, signed.Payload, signed.Header)
	assert.Equal(t, commerce.CodeUnauthenticated, commerce.Code(err))

	_, err = stripe.New("", nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}
