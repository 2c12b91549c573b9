package payment

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Provider is the port to a payment service provider (Stripe, the fake).
// Implementations are safe for concurrent use, do not retry (the [Service]
// owns retries) and classify every failure as a [*ProviderError]. Every
// mutating call carries an idempotency key: a second call with the same key
// returns the first call's result and never charges, captures or refunds
// twice.
type Provider interface {
	// Name identifies the provider in stored payments ("stripe", "fake").
	Name() string
	// Authorize places a hold of req.Amount on req.PaymentMethod. The
	// result's Status is ProviderAuthorized on success, or ProviderPending
	// when the provider finishes asynchronously (a webhook follows). With
	// req.Capture it may capture in the same call and answer
	// ProviderCaptured; a provider that cannot answers ProviderAuthorized
	// and the Service captures with a second call.
	Authorize(ctx context.Context, req AuthorizeRequest) (ProviderResult, error)
	// Capture captures amount (at most the authorized amount) of the
	// authorization ref.
	Capture(ctx context.Context, ref string, amount commerce.Money, idempotencyKey string) (ProviderResult, error)
	// Cancel voids the authorization ref.
	Cancel(ctx context.Context, ref, idempotencyKey string) (ProviderResult, error)
	// Refund gives back amount of the captured payment ref.
	Refund(ctx context.Context, ref string, amount commerce.Money, idempotencyKey string) (RefundResult, error)
	// Lookup reports what the provider knows about a payment, by Ref or,
	// without one, by the idempotency key of its authorization. A payment
	// the provider never saw is a result with Status ProviderNotFound and a
	// nil error.
	Lookup(ctx context.Context, req LookupRequest) (ProviderResult, error)
	// ParseWebhook verifies the signature of a notification and returns
	// it normalised. A bad or stale signature is CodeUnauthenticated; a
	// payload that cannot be parsed is CodeInvalidArgument. Events the
	// port does not model come back with Type EventIgnored.
	ParseWebhook(ctx context.Context, payload []byte, signatureHeader string) (WebhookEvent, error)
}

// AuthorizeRequest is what the provider needs to authorize a payment.
type AuthorizeRequest struct {
	PaymentID      commerce.PaymentID
	OrderID        commerce.OrderID
	Amount         commerce.Money
	PaymentMethod  string
	IdempotencyKey string
	Description    string
	Metadata       map[string]string
	// Capture asks the provider to capture the full amount as part of the
	// authorization, saving the Capture call (Stripe's
	// capture_method=automatic). The payment's CaptureNow sets it; a
	// request sent again under the same idempotency key carries the same
	// value.
	Capture bool
}

// ProviderStatus is the provider's view of a payment.
type ProviderStatus string

// What a provider can report about a payment.
const (
	ProviderNotFound   ProviderStatus = "not_found"
	ProviderPending    ProviderStatus = "pending"
	ProviderAuthorized ProviderStatus = "authorized"
	ProviderCaptured   ProviderStatus = "captured"
	ProviderCancelled  ProviderStatus = "cancelled"
	ProviderFailed     ProviderStatus = "failed"
)

// ProviderResult is the provider's answer about one payment.
type ProviderResult struct {
	// Ref is the provider's reference for the payment.
	Ref    string
	Status ProviderStatus
	// Amount is the authorized amount; Captured the amount captured so far
	// (zero Money when unknown or none).
	Amount   commerce.Money
	Captured commerce.Money
	// FailureCode and FailureMessage explain a ProviderFailed status.
	FailureCode    string
	FailureMessage string
}

// RefundResult is the provider's answer to a refund.
type RefundResult struct {
	Ref    string
	Status RefundStatus
}

// LookupRequest names a payment at the provider: by Ref when known,
// otherwise by the idempotency key its authorization was sent with (and
// the payment ID, which providers may store as metadata).
type LookupRequest struct {
	Ref            string
	PaymentID      commerce.PaymentID
	IdempotencyKey string
}

// EventType is a provider notification normalised.
type EventType string

// The normalised webhook event types.
const (
	// EventAuthorized: funds are held (Stripe amount_capturable_updated).
	EventAuthorized EventType = "authorized"
	// EventSucceeded: the payment was captured (Stripe payment_intent.succeeded).
	EventSucceeded EventType = "succeeded"
	// EventFailed: the authorization failed (payment_intent.payment_failed).
	EventFailed EventType = "failed"
	// EventCancelled: the authorization was voided (payment_intent.canceled).
	EventCancelled EventType = "cancelled"
	// EventRefunded: money went back (charge.refunded).
	EventRefunded EventType = "refunded"
	// EventIgnored: a verified notification the port does not model.
	EventIgnored EventType = "ignored"
)

// WebhookEvent is a verified provider notification.
type WebhookEvent struct {
	// ID is the provider's event ID, the deduplication key.
	ID   string
	Type EventType
	// Ref is the provider's payment reference.
	Ref string
	// PaymentID is Mercato's payment ID when the provider echoes it back
	// (metadata), so an event that outruns the recorded Ref still matches.
	PaymentID commerce.PaymentID
	// Amount is the amount the event is about: authorized, captured, or the
	// total refunded. Zero Money when absent.
	Amount         commerce.Money
	FailureCode    string
	FailureMessage string
	// Refunds are, for EventRefunded, the refunds the provider reports
	// on the payment that succeeded, made through Mercato or elsewhere
	// (the provider's dashboard). Empty when the provider did not list
	// them: Amount is then the total refunded.
	Refunds []ProviderRefund
	// RawType is the provider's own event type ("payment_intent.succeeded").
	RawType   string
	CreatedAt time.Time
}

// ProviderRefund is one refund a provider reports in a webhook.
type ProviderRefund struct {
	// Ref is the provider's refund reference (re_...).
	Ref    string
	Amount commerce.Money
}
