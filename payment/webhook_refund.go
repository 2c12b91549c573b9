package payment

import (
	"context"
	"errors"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
)

// errRecorded ends a CreateRefund whose provider refund is recorded
// already.
var errRecorded = errors.New("payment: provider refund recorded already")

// providerRefundKey is the idempotency key under which a refund learnt
// from the provider is recorded: its reference, so a redelivered webhook
// finds the record it made.
func providerRefundKey(ref string) string { return "provider-refund:" + ref }

// recordProviderRefunds records on p the refunds ev reports that Mercato
// does not know yet: refunds made at the provider, such as in its
// dashboard. Each becomes a Succeeded Refund with the provider's
// reference, grows RefundedAmount and publishes payment.refunded with
// External set, as a refund made through Mercato would (but with no call
// to the provider). Refunds recorded already (made through Mercato, or
// by an earlier delivery) are left alone: the provider's reference is the
// key. While a refund of Mercato's own is still pending without a
// reference, a reported refund might be that one: the event is refused
// as Unavailable, and the provider's redelivery records it once the
// pending refund has its reference.
//
// A provider that reports only the total refunded gets a refund for the
// difference with what is recorded, keyed by that total.
func (s *Service) recordProviderRefunds(ctx context.Context, p Payment, ev WebhookEvent) error {
	reported := ev.Refunds
	if len(reported) == 0 {
		if !ev.Amount.IsPositive() {
			return nil
		}
		refunds, err := s.store.ListRefunds(ctx, p.ID)
		if err != nil {
			return err
		}
		known := commerce.Zero(ev.Amount.Currency())
		for _, r := range refunds {
			if r.Status == RefundFailed {
				continue
			}
			if r.Status == RefundPending {
				return errPendingRefund(p)
			}
			if known, err = known.Add(r.Amount); err != nil {
				return err
			}
		}
		diff, err := ev.Amount.Sub(known)
		if err != nil || !diff.IsPositive() {
			return err
		}
		reported = []ProviderRefund{{Ref: "total:" + strconv.FormatInt(ev.Amount.Amount(), 10), Amount: diff}}
	}
	for _, pr := range reported {
		if pr.Ref == "" || !pr.Amount.IsPositive() {
			continue
		}
		if err := s.recordProviderRefund(ctx, p, pr); err != nil {
			return err
		}
	}
	return nil
}

func errPendingRefund(p Payment) error {
	return commerce.Errorf(commerce.CodeUnavailable, "payment %s: a refund made through Mercato is still pending; the provider's notification is applied once it completes", p.ID)
}

func (s *Service) recordProviderRefund(ctx context.Context, p Payment, pr ProviderRefund) error {
	now := s.clock.Now()
	r := Refund{
		ID: s.opts.IDs.NewRefundID(p.ID), PaymentID: p.ID, Amount: pr.Amount, Reason: "refunded at " + s.provider.Name(),
		Status: RefundPending, ProviderRef: pr.Ref, IdempotencyKey: providerRefundKey(pr.Ref), CreatedAt: now, UpdatedAt: now,
	}
	stored, _, err := s.store.CreateRefund(ctx, r, func(q Payment, existing []Refund) ([]commerce.Envelope, error) {
		if pr.Amount.Currency() != q.Amount.Currency() {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment %s: the provider reports a refund in %s of a payment in %s", q.ID, pr.Amount.Currency(), q.Amount.Currency())
		}
		for _, e := range existing {
			switch {
			case e.ProviderRef == pr.Ref:
				return nil, errRecorded
			case e.Status == RefundPending && e.ProviderRef == "":
				return nil, errPendingRefund(q)
			}
		}
		return nil, nil
	})
	if errors.Is(err, errRecorded) {
		return nil
	}
	if err != nil {
		return err
	}
	if stored.Status != RefundPending {
		return nil
	}
	_, err = s.store.UpdateRefund(ctx, stored.ID, func(q *Payment, rf *Refund) ([]commerce.Envelope, error) {
		if rf.Status != RefundPending {
			return nil, nil
		}
		total, err := q.RefundedAmount.Add(rf.Amount)
		if err != nil {
			return nil, err
		}
		rf.Status, rf.UpdatedAt = RefundSucceeded, s.clock.Now()
		q.RefundedAmount, q.UpdatedAt = total, rf.UpdatedAt
		return []commerce.Envelope{s.envelope(*q, Refunded{PaymentID: q.ID, OrderID: q.OrderID, RefundID: rf.ID,
			Amount: rf.Amount, RefundedTotal: total, CapturedAmount: q.CapturedAmount, Reason: rf.Reason, External: true})}, nil
	})
	return err
}
