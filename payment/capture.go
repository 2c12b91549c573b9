package payment

import (
	"context"
	"errors"

	"github.com/mercatohq/mercato/commerce"
)

// Capture captures an authorized payment: amount, or the full authorized
// amount when amount is the zero Money. A smaller amount releases the rest
// of the hold. On success the payment is Captured then Completed
// (payment.captured, payment.completed). Capturing a payment already
// captured with the same amount returns it unchanged; any other state is
// CodeFailedPrecondition. A decline moves the payment to Failed
// (payment.failed, stage "capture") and is CodePaymentDeclined; an
// unresolved provider failure, or a capture the provider reports still in
// progress, is CodeUnavailable and leaves it Authorized, so Capture may be
// called again (it reuses the provider idempotency key).
func (s *Service) Capture(ctx context.Context, id commerce.PaymentID, amount commerce.Money) (Payment, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return Payment{}, err
	}
	full := amount.Currency() == "" && amount.IsZero()
	if full {
		amount = p.Amount
	}
	if p.Status.Captured() {
		if amount == p.CapturedAmount || full {
			return p, nil
		}
		return p, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: already captured %s", p.ID, p.CapturedAmount)
	}
	if p.Status != StatusAuthorized {
		return p, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: only an authorized payment can be captured, it is %s", p.ID, p.Status)
	}
	if amount.Currency() != p.Amount.Currency() || !amount.IsPositive() {
		return p, commerce.Errorf(commerce.CodeInvalidArgument, "payment %s: capture amount must be positive in %s, got %s", p.ID, p.Amount.Currency(), amount)
	}
	if c, _ := amount.Cmp(p.Amount); c > 0 {
		return p, commerce.Errorf(commerce.CodeInvalidArgument, "payment %s: cannot capture %s of an authorization of %s", p.ID, amount, p.Amount).
			WithDetail("authorized", p.Amount.String())
	}
	key := providerKey(p, "capture")
	res, callErr := call(ctx, s, func() (ProviderResult, error) {
		return s.provider.Capture(ctx, p.ProviderRef, amount, key)
	}, func() (ProviderResult, bool, error) {
		r, err := s.provider.Lookup(ctx, LookupRequest{Ref: p.ProviderRef, PaymentID: p.ID})
		return r, err == nil && (r.Status == ProviderCaptured || r.Status == ProviderCancelled || r.Status == ProviderFailed), err
	})
	kind := KindOf(callErr)
	if callErr != nil && kind != KindDeclined && kind != KindInvalid {
		return p, callerError("capture", callErr)
	}
	if callErr == nil && res.Status != ProviderCaptured {
		if res.Status == ProviderPending || res.Status == ProviderAuthorized {
			// Not captured yet, not refused either (a capture the bank
			// is still processing): failing the payment now would cancel
			// an order whose money may yet arrive. Capture again with the
			// same key, or let the provider's webhook finish it.
			return p, commerce.Errorf(commerce.CodeUnavailable, "payment %s: the capture is still in progress at the provider; retry later or Reconcile", id).
				WithDetail("payment_id", id.String())
		}
		if res.Status == ProviderCancelled {
			p, err = s.store.Update(ctx, id, func(q *Payment) ([]commerce.Envelope, error) {
				return s.advance(q, observe(res)), nil
			})
			if err != nil {
				return p, err
			}
			return p, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: the authorization was cancelled at the provider", id)
		}
		callErr = ErrDeclined(res.FailureCode, res.FailureMessage)
	}
	attempt := p.Attempts
	stored, err := s.store.Update(ctx, id, func(q *Payment) ([]commerce.Envelope, error) {
		if q.Attempts != attempt {
			return nil, errMoved
		}
		if callErr != nil {
			var pe *ProviderError
			errors.As(callErr, &pe)
			var events []commerce.Envelope
			s.fail(q, "capture", pe.Code, pe.Message, s.clock.Now(), &events)
			return events, nil
		}
		if res.Captured.Currency() != amount.Currency() || !res.Captured.IsPositive() {
			res.Captured = amount
		}
		return s.advance(q, observation{status: ProviderCaptured, ref: q.ProviderRef, captured: res.Captured}), nil
	})
	if err != nil {
		return p, err
	}
	if callErr != nil {
		return stored, callerError("capture", callErr)
	}
	if !stored.Status.Captured() {
		return stored, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: captured at the provider but the payment is %s", id, stored.Status)
	}
	return stored, nil
}

// Cancel voids an authorized payment: nothing is charged, the payment is
// Cancelled (payment.cancelled). Cancelling a cancelled payment returns it
// unchanged; any state but Authorized is CodeFailedPrecondition (refund a
// captured payment instead).
func (s *Service) Cancel(ctx context.Context, id commerce.PaymentID) (Payment, error) {
	p, err := s.Get(ctx, id)
	if err != nil {
		return Payment{}, err
	}
	if p.Status == StatusCancelled {
		return p, nil
	}
	if p.Status != StatusAuthorized {
		return p, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: only an authorized payment can be cancelled, it is %s", p.ID, p.Status)
	}
	res, callErr := call(ctx, s, func() (ProviderResult, error) {
		return s.provider.Cancel(ctx, p.ProviderRef, providerKey(p, "cancel"))
	}, func() (ProviderResult, bool, error) {
		r, err := s.provider.Lookup(ctx, LookupRequest{Ref: p.ProviderRef, PaymentID: p.ID})
		return r, err == nil && (r.Status == ProviderCancelled || r.Status == ProviderCaptured), err
	})
	if callErr != nil {
		return p, callerError("cancel", callErr)
	}
	if res.Status != ProviderCaptured {
		res.Status = ProviderCancelled
	}
	stored, err := s.store.Update(ctx, id, func(q *Payment) ([]commerce.Envelope, error) {
		return s.advance(q, observe(res)), nil
	})
	if err != nil {
		return p, err
	}
	if stored.Status != StatusCancelled {
		return stored, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: could not be cancelled, it is %s", id, stored.Status)
	}
	return stored, nil
}
