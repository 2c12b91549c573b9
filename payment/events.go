package payment

import "github.com/mercatohq/mercato/commerce"

// Initiated is published when a payment is created (payment.initiated).
type Initiated struct {
	PaymentID      commerce.PaymentID `json:"payment_id"`
	OrderID        commerce.OrderID   `json:"order_id"`
	Amount         commerce.Money     `json:"amount"`
	IdempotencyKey string             `json:"idempotency_key"`
}

// EventName returns "payment.initiated".
func (Initiated) EventName() string { return "payment.initiated" }

// Authorized is published when the provider holds the funds
// (payment.authorized).
type Authorized struct {
	PaymentID   commerce.PaymentID `json:"payment_id"`
	OrderID     commerce.OrderID   `json:"order_id"`
	Amount      commerce.Money     `json:"amount"`
	Provider    string             `json:"provider"`
	ProviderRef string             `json:"provider_ref"`
	Attempt     int                `json:"attempt"`
}

// EventName returns "payment.authorized".
func (Authorized) EventName() string { return "payment.authorized" }

// Captured is published when funds are captured (payment.captured).
type Captured struct {
	PaymentID   commerce.PaymentID `json:"payment_id"`
	OrderID     commerce.OrderID   `json:"order_id"`
	Amount      commerce.Money     `json:"amount"`
	ProviderRef string             `json:"provider_ref"`
}

// EventName returns "payment.captured".
func (Captured) EventName() string { return "payment.captured" }

// Completed is published when a captured payment is settled
// (payment.completed).
type Completed struct {
	PaymentID      commerce.PaymentID `json:"payment_id"`
	OrderID        commerce.OrderID   `json:"order_id"`
	CapturedAmount commerce.Money     `json:"captured_amount"`
}

// EventName returns "payment.completed".
func (Completed) EventName() string { return "payment.completed" }

// Failed is published when an authorization or a capture fails
// (payment.failed). The notifier emails the customer from it.
type Failed struct {
	PaymentID      commerce.PaymentID `json:"payment_id"`
	OrderID        commerce.OrderID   `json:"order_id"`
	Amount         commerce.Money     `json:"amount"`
	Stage          string             `json:"stage"` // "authorize" or "capture"
	FailureCode    string             `json:"failure_code"`
	FailureMessage string             `json:"failure_message"`
	Attempt        int                `json:"attempt"`
	// Final is true when no retry is left.
	Final bool `json:"final"`
}

// EventName returns "payment.failed".
func (Failed) EventName() string { return "payment.failed" }

// Refunded is published when a refund succeeded (payment.refunded).
type Refunded struct {
	PaymentID      commerce.PaymentID `json:"payment_id"`
	OrderID        commerce.OrderID   `json:"order_id"`
	RefundID       commerce.RefundID  `json:"refund_id"`
	Amount         commerce.Money     `json:"amount"`
	RefundedTotal  commerce.Money     `json:"refunded_total"`
	CapturedAmount commerce.Money     `json:"captured_amount"`
	Reason         string             `json:"reason,omitempty"`
	// External is true for a refund made at the provider (its dashboard)
	// and learnt from its webhook, rather than through Mercato; the order
	// records such refunds when it follows this event.
	External bool `json:"external,omitempty"`
}

// EventName returns "payment.refunded".
func (Refunded) EventName() string { return "payment.refunded" }

// Cancelled is published when an authorization is voided
// (payment.cancelled).
type Cancelled struct {
	PaymentID commerce.PaymentID `json:"payment_id"`
	OrderID   commerce.OrderID   `json:"order_id"`
	Amount    commerce.Money     `json:"amount"`
}

// EventName returns "payment.cancelled".
func (Cancelled) EventName() string { return "payment.cancelled" }

// RegisterEvents registers every payment event with r.
func RegisterEvents(r *commerce.EventRegistry) {
	_ = commerce.RegisterEvent[Initiated](r)
	_ = commerce.RegisterEvent[Authorized](r)
	_ = commerce.RegisterEvent[Captured](r)
	_ = commerce.RegisterEvent[Completed](r)
	_ = commerce.RegisterEvent[Failed](r)
	_ = commerce.RegisterEvent[Refunded](r)
	_ = commerce.RegisterEvent[Cancelled](r)
}
