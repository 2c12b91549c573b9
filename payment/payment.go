package payment

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Payment is one attempt to take an amount for an order, identified by the
// caller's idempotency key. Money fields are in the payment's currency;
// CapturedAmount and RefundedAmount start at zero in that currency.
type Payment struct {
	ID      commerce.PaymentID `json:"id"`
	OrderID commerce.OrderID   `json:"order_id"`
	Amount  commerce.Money     `json:"amount"`
	Status  Status             `json:"status"`
	// Provider names the provider that handles the payment ([Provider.Name]).
	Provider string `json:"provider"`
	// ProviderRef is the provider's reference (a Stripe PaymentIntent ID),
	// empty until the provider answered.
	ProviderRef string `json:"provider_ref,omitempty"`
	// PaymentMethod is the payment-method token the customer supplied.
	PaymentMethod string `json:"payment_method"`
	// CaptureNow captures right after the authorization.
	CaptureNow bool `json:"capture_now"`
	// Attempts counts authorization attempts: 1 for the first, +1 per retry.
	Attempts int `json:"attempts"`
	// MaxRetries is how many retries a failed payment allows; Failed is
	// final when Attempts > MaxRetries.
	MaxRetries int `json:"max_retries"`
	// IdempotencyKey is the caller's key, unique across payments.
	IdempotencyKey string         `json:"idempotency_key"`
	CapturedAmount commerce.Money `json:"captured_amount"`
	RefundedAmount commerce.Money `json:"refunded_amount"`
	// FailureCode and FailureMessage describe the last failure (the
	// provider's decline code and reason), empty otherwise.
	FailureCode    string    `json:"failure_code,omitempty"`
	FailureMessage string    `json:"failure_message,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// RetriesLeft reports how many more retries a failed payment allows.
func (p Payment) RetriesLeft() int {
	if left := p.MaxRetries - (p.Attempts - 1); left > 0 {
		return left
	}
	return 0
}

// Refundable returns how much can still be refunded given the refunds
// recorded so far (pending ones included), or zero.
func Refundable(p Payment, refunds []Refund) (commerce.Money, error) {
	left := p.CapturedAmount
	if left.Currency() == "" {
		return commerce.Zero(p.Amount.Currency()), nil
	}
	for _, r := range refunds {
		if r.PaymentID != p.ID || r.Status == RefundFailed {
			continue
		}
		var err error
		if left, err = left.Sub(r.Amount); err != nil {
			return commerce.Money{}, err
		}
	}
	if left.IsNegative() {
		return commerce.Zero(p.Amount.Currency()), nil
	}
	return left, nil
}

// RefundStatus is where a refund stands.
type RefundStatus string

// The refund states: Pending until the provider answers, then Succeeded or
// Failed.
const (
	RefundPending   RefundStatus = "pending"
	RefundSucceeded RefundStatus = "succeeded"
	RefundFailed    RefundStatus = "failed"
)

// Refund gives back part or all of a payment's captured amount. Each
// refund is its own record, identified by its idempotency key.
type Refund struct {
	ID        commerce.RefundID  `json:"id"`
	PaymentID commerce.PaymentID `json:"payment_id"`
	Amount    commerce.Money     `json:"amount"`
	Reason    string             `json:"reason,omitempty"`
	Status    RefundStatus       `json:"status"`
	// ProviderRef is the provider's refund reference, empty until known.
	ProviderRef string `json:"provider_ref,omitempty"`
	// IdempotencyKey is the caller's key, unique across refunds.
	IdempotencyKey string    `json:"idempotency_key"`
	FailureCode    string    `json:"failure_code,omitempty"`
	FailureMessage string    `json:"failure_message,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}
