package payment

import (
	"context"
	"errors"

	"github.com/mercatohq/mercato/commerce"
)

// RefundInput is what [Service.Refund] needs.
type RefundInput struct {
	PaymentID commerce.PaymentID
	// Amount is positive and at most what is left to refund.
	Amount commerce.Money
	Reason string
	// IdempotencyKey identifies the refund: one refund per key.
	IdempotencyKey string
}

// Refund gives back part or all of a captured payment. Several partial
// refunds may follow one another up to the captured amount; each is its
// own record. The amount is reserved before the provider is called, under
// the store's lock, so concurrent refunds never exceed what was captured:
// one that would is CodeFailedPrecondition with the amount still
// refundable in Details["refundable"]. Refunding a payment that is not
// Captured or Completed is CodeFailedPrecondition.
//
// On success the refund is Succeeded, the payment's RefundedAmount grows
// and payment.refunded is published. A provider refusal marks the refund
// Failed (its amount is free again). An unresolved provider failure leaves
// it Pending and is CodeUnavailable: call Refund again with the same key to
// finish it. The same key with a different payment or amount is
// CodeConflict.
func (s *Service) Refund(ctx context.Context, in RefundInput) (Refund, error) {
	if err := in.PaymentID.Validate(); err != nil {
		return Refund{}, commerce.Errorf(commerce.CodeInvalidArgument, "payment: id: %w", err)
	}
	if in.Amount.Currency() == "" || !in.Amount.IsPositive() {
		return Refund{}, commerce.Errorf(commerce.CodeInvalidArgument, "payment: refund amount must be positive, got %s", in.Amount)
	}
	if len(in.Reason) > 500 {
		return Refund{}, commerce.Errorf(commerce.CodeInvalidArgument, "payment: refund reason is longer than 500 bytes")
	}
	if err := validateKey(in.IdempotencyKey); err != nil {
		return Refund{}, err
	}
	now := s.clock.Now()
	r := Refund{
		ID: s.opts.IDs.NewRefundID(in.PaymentID), PaymentID: in.PaymentID, Amount: in.Amount, Reason: in.Reason,
		Status: RefundPending, IdempotencyKey: in.IdempotencyKey, CreatedAt: now, UpdatedAt: now,
	}
	stored, created, err := s.store.CreateRefund(ctx, r, func(p Payment, existing []Refund) ([]commerce.Envelope, error) {
		if !p.Status.Captured() {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: only a captured payment can be refunded, it is %s", p.ID, p.Status)
		}
		if in.Amount.Currency() != p.Amount.Currency() {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment %s: refund in %s of a payment in %s", p.ID, in.Amount.Currency(), p.Amount.Currency())
		}
		if c, _ := in.Amount.Cmp(p.CapturedAmount); c > 0 {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment %s: cannot refund %s of %s captured", p.ID, in.Amount, p.CapturedAmount).
				WithDetail("captured", p.CapturedAmount.String())
		}
		left, err := Refundable(p, existing)
		if err != nil {
			return nil, err
		}
		if c, _ := in.Amount.Cmp(left); c > 0 {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "payment %s: cannot refund %s, only %s left to refund", p.ID, in.Amount, left).
				WithDetail("refundable", left.String())
		}
		return nil, nil
	})
	if err != nil {
		return Refund{}, err
	}
	if !created {
		if stored.PaymentID != in.PaymentID || stored.Amount != in.Amount {
			return Refund{}, commerce.Errorf(commerce.CodeConflict, "payment: refund idempotency key %q was used for a different refund", in.IdempotencyKey)
		}
		if stored.Status != RefundPending {
			return stored, refundOutcome(stored)
		}
	}
	p, err := s.store.Get(ctx, stored.PaymentID)
	if err != nil {
		return stored, err
	}
	key := p.IdempotencyKey + "/refund/" + stored.IdempotencyKey
	res, callErr := call(ctx, s, func() (RefundResult, error) {
		return s.provider.Refund(ctx, p.ProviderRef, stored.Amount, key)
	}, nil)
	kind := KindOf(callErr)
	if callErr != nil && kind != KindDeclined && kind != KindInvalid {
		return stored, callerError("refund", callErr)
	}
	if callErr == nil && res.Status == RefundPending {
		return s.store.UpdateRefund(ctx, stored.ID, func(_ *Payment, q *Refund) ([]commerce.Envelope, error) {
			if q.ProviderRef == "" {
				q.ProviderRef = res.Ref
			}
			return nil, nil
		})
	}
	final, err := s.store.UpdateRefund(ctx, stored.ID, func(q *Payment, rf *Refund) ([]commerce.Envelope, error) {
		if rf.Status != RefundPending {
			return nil, nil
		}
		rf.UpdatedAt = s.clock.Now()
		if callErr != nil || res.Status == RefundFailed {
			var pe *ProviderError
			if errors.As(callErr, &pe) {
				rf.FailureCode, rf.FailureMessage = pe.Code, pe.Message
			} else {
				rf.FailureCode = "refund_failed"
			}
			rf.Status = RefundFailed
			return nil, nil
		}
		total, err := q.RefundedAmount.Add(rf.Amount)
		if err != nil {
			return nil, err
		}
		rf.Status, rf.ProviderRef = RefundSucceeded, res.Ref
		q.RefundedAmount, q.UpdatedAt = total, rf.UpdatedAt
		return []commerce.Envelope{s.envelope(*q, Refunded{PaymentID: q.ID, OrderID: q.OrderID, RefundID: rf.ID,
			Amount: rf.Amount, RefundedTotal: total, CapturedAmount: q.CapturedAmount, Reason: rf.Reason})}, nil
	})
	if err != nil {
		return stored, err
	}
	if callErr != nil {
		return final, callerError("refund", callErr)
	}
	return final, refundOutcome(final)
}

func refundOutcome(r Refund) error {
	if r.Status == RefundFailed {
		return commerce.Errorf(commerce.CodePaymentDeclined, "payment: refund %s failed: %w", r.ID, ErrDeclined(r.FailureCode, r.FailureMessage)).
			WithDetail("refund_id", r.ID.String())
	}
	return nil
}
