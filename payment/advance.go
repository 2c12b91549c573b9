package payment

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// observation is what the provider reported about a payment, from a call,
// a lookup or a webhook.
type observation struct {
	status   ProviderStatus
	ref      string
	captured commerce.Money
	code     string
	message  string
}

func observe(r ProviderResult) observation {
	return observation{status: r.Status, ref: r.Ref, captured: r.Captured, code: r.FailureCode, message: r.FailureMessage}
}

// advance moves p forward to match what the provider reports and returns
// the events of the moves. It never moves a payment backwards or sideways:
// a report the payment is already past (a failure after a success, an
// authorization after a capture) changes nothing. Every move goes through
// CanTransition.
func (s *Service) advance(p *Payment, o observation) []commerce.Envelope {
	now := s.clock.Now()
	var events []commerce.Envelope
	move := func(to Status, ev commerce.Event) bool {
		if !CanTransition(p.Status, to) {
			return false
		}
		p.Status = to
		p.UpdatedAt = now
		if ev != nil {
			events = append(events, s.envelope(*p, ev))
		}
		return true
	}
	setRef := func() {
		if p.ProviderRef == "" && o.ref != "" {
			p.ProviderRef = o.ref
		}
	}
	authorized := func() bool {
		if p.Status != StatusProcessing {
			return p.Status == StatusAuthorized
		}
		setRef()
		p.FailureCode, p.FailureMessage = "", ""
		return move(StatusAuthorized, Authorized{PaymentID: p.ID, OrderID: p.OrderID, Amount: p.Amount,
			Provider: p.Provider, ProviderRef: p.ProviderRef, Attempt: p.Attempts})
	}
	switch o.status {
	case ProviderPending:
		// Still in flight (a 3-D Secure step, a processing bank): keep the
		// reference, so that a webhook or a lookup by it finds the payment.
		if p.Status == StatusProcessing {
			setRef()
		}
	case ProviderAuthorized:
		authorized()
	case ProviderCaptured:
		if !authorized() {
			break
		}
		amount := o.captured
		if amount.Currency() != p.Amount.Currency() || !amount.IsPositive() {
			amount = p.Amount
		}
		p.CapturedAmount = amount
		move(StatusCaptured, Captured{PaymentID: p.ID, OrderID: p.OrderID, Amount: amount, ProviderRef: p.ProviderRef})
		move(StatusCompleted, Completed{PaymentID: p.ID, OrderID: p.OrderID, CapturedAmount: amount})
	case ProviderFailed:
		if p.Status == StatusProcessing {
			setRef()
			s.fail(p, "authorize", o.code, o.message, now, &events)
		}
	case ProviderCancelled:
		switch p.Status {
		case StatusProcessing:
			setRef()
			s.fail(p, "authorize", FailureCancelled, "the provider cancelled the payment before it was authorized", now, &events)
		case StatusAuthorized:
			move(StatusCancelled, Cancelled{PaymentID: p.ID, OrderID: p.OrderID, Amount: p.Amount})
		}
	}
	return events
}

// fail moves p to Failed (from Processing or Authorized) with the reason,
// appending payment.failed.
func (s *Service) fail(p *Payment, stage, code, message string, now time.Time, events *[]commerce.Envelope) {
	if !CanTransition(p.Status, StatusFailed) {
		return
	}
	if code == "" {
		code = "failed"
	}
	p.Status = StatusFailed
	p.FailureCode, p.FailureMessage = code, message
	p.UpdatedAt = now
	*events = append(*events, s.envelope(*p, Failed{PaymentID: p.ID, OrderID: p.OrderID, Amount: p.Amount,
		Stage: stage, FailureCode: code, FailureMessage: message, Attempt: p.Attempts, Final: p.RetriesLeft() == 0}))
}

// outcome is the error a caller sees for a payment at rest: nil unless it
// failed, in which case the recorded reason comes back as a decline (or as
// Unavailable when the provider never answered).
func outcome(p Payment) error {
	switch {
	case p.Status == StatusFailed && p.FailureCode == FailureProviderUnavailable:
		return commerce.Errorf(commerce.CodeUnavailable, "payment %s: the provider was unavailable: %s", p.ID, p.FailureMessage).
			WithDetail("payment_id", p.ID.String())
	case p.Status == StatusFailed:
		return commerce.Errorf(commerce.CodePaymentDeclined, "payment %s: declined: %w", p.ID, ErrDeclined(p.FailureCode, p.FailureMessage)).
			WithDetail("payment_id", p.ID.String()).WithDetail("decline_code", p.FailureCode).WithDetail("reason", p.FailureMessage)
	case p.Status.InFlight():
		return commerce.Errorf(commerce.CodeUnavailable, "payment %s: authorization still in progress; retry later or Reconcile", p.ID).
			WithDetail("payment_id", p.ID.String())
	}
	return nil
}
