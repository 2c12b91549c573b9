package payment

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Authorization is the provider's answer to the authorization call of a
// payment that Record stored, before anything records it. Call makes the
// call and Conclude records the answer; Send is the two together. Between
// them the caller chooses where the record is written: an authorization
// the provider captured at once can be concluded in the unit of work that
// completes the order, so that the money taken, the order confirmed and
// the stock deducted commit together.
//
// Until it is concluded, the payment stays Processing, as after a process
// that died during the call: Reconcile adopts the provider's answer.
type Authorization struct {
	// Payment is the payment as it was sent.
	Payment Payment
	result  ProviderResult
	err     error
}

// Captured reports whether the provider authorized and captured the
// payment in the call, as a payment with CaptureNow asks: concluding it
// takes no further provider call.
func (a Authorization) Captured() bool {
	return a.err == nil && a.Payment.CaptureNow && a.result.Status == ProviderCaptured
}

// Call sends payment p, which this caller recorded with Record and which
// is still as Record returned it, to the provider for authorization (with
// the lookups and retries of Authorize), description shown at the
// provider, and returns the answer unrecorded. A refusal or an unknown
// outcome is part of the answer, for Conclude to record; the error is
// only for a payment that is not one just recorded (FailedPrecondition).
func (s *Service) Call(ctx context.Context, p Payment, description string) (Authorization, error) {
	if err := sendable(p); err != nil {
		return Authorization{}, err
	}
	res, err := s.authorizeAtProvider(ctx, p, description)
	return Authorization{Payment: p, result: res, err: err}, nil
}

// Conclude records authorization a, which Call returned, as Send does once
// its provider call has returned: it returns the payment as recorded,
// with a decline as CodePaymentDeclined and an unknown outcome as
// CodeUnavailable, and captures an authorization that CaptureNow asks to
// capture and the provider did not.
//
// With a context whose unit of work the Store writes in (InUnit), it
// records only a Captured authorization, Completed, in that unit, and
// calls no provider: the unit must not wait on the network. Anything
// else there is FailedPrecondition, a payment that moved on since the
// call (another attempt, its reference taken) is Conflict, and nothing
// is written: the caller rolls the unit back and concludes a outside it,
// which handles each of those cases.
func (s *Service) Conclude(ctx context.Context, a Authorization) (Payment, error) {
	if a.Payment.ID == "" {
		return Payment{}, commerce.Errorf(commerce.CodeInvalidArgument, "payment: conclude needs an authorization from Call")
	}
	if s.InUnit(ctx) {
		return s.concludeInUnit(ctx, a)
	}
	return s.recordAuthorization(ctx, a.Payment, a.result, a.err)
}

// concludeInUnit records the captured authorization a in the unit of work
// ctx carries.
func (s *Service) concludeInUnit(ctx context.Context, a Authorization) (Payment, error) {
	p := a.Payment
	if !a.Captured() {
		return Payment{}, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: only an authorization the provider captured is concluded in a unit of work", p.ID).
			WithDetail("payment_id", p.ID.String())
	}
	obs := observe(a.result)
	conclude := func(q *Payment) ([]commerce.Envelope, error) {
		if q.Status != StatusProcessing || q.Attempts != p.Attempts {
			return nil, errMoved
		}
		events := s.advance(q, obs)
		if q.Status != StatusCompleted {
			return nil, errMoved
		}
		return events, nil
	}
	if u, ok := s.store.(UpdaterFrom); ok {
		// p is the payment as Record stored it: written from it, the
		// unit skips a read, and a payment changed since is Conflict.
		return u.UpdateFrom(ctx, p, conclude)
	}
	return s.store.Update(ctx, p.ID, conclude)
}
