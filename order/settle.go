package order

import (
	"context"
	"errors"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/payment"
)

// settle makes the money and stock moves a Cancelled or Refunded order
// implies, and then marks it Settled: every authorization is voided and
// every capture refunded; reserved stock is released and deducted stock
// restocked; gift-card money goes back to the cards, and a cancelled
// order's promotions give their uses and budget back. Each move is idempotent (refunds by a key derived from the
// order and payment), so settle may run again after a crash, or in two
// processes at once, without paying back twice.
func (s *Service) settle(ctx context.Context, o Order, reason string) (Order, error) {
	if o.Status != StatusCancelled && o.Status != StatusRefunded {
		return o, commerce.Errorf(commerce.CodeInternal, "order %s: settle called on a %s order", o.ID, o.Status)
	}
	if err := s.settlePayments(ctx, o, reason); err != nil {
		return o, err
	}
	if err := s.settleStock(ctx, o); err != nil {
		return o, err
	}
	// A cancelled order gives its codes' uses back; a refunded one used
	// them. Both give their gift-card money back to the cards.
	if err := s.releasePromotions(ctx, o, o.Status == StatusRefunded); err != nil {
		return o, err
	}
	settled, err := s.store.Update(ctx, o.ID, func(cur *Order) ([]commerce.Envelope, error) {
		if cur.Settled {
			return nil, errUnchanged
		}
		cur.Settled, cur.UpdatedAt = true, s.now()
		return nil, nil
	})
	if errors.Is(err, errUnchanged) {
		return s.store.Get(ctx, o.ID)
	}
	return settled, err
}

func (s *Service) settlePayments(ctx context.Context, o Order, reason string) error {
	pays, err := s.payments.GetByOrder(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, p := range pays {
		// One whose outcome is still unknown keeps the order unsettled
		// for a later pass.
		if p, err = s.landed(ctx, p); err != nil {
			return err
		}
		switch {
		case p.Status.InFlight():
			return commerce.Errorf(commerce.CodeUnavailable, "order %s: payment %s is still in flight", o.ID, p.ID)
		case p.Status == payment.StatusAuthorized:
			if _, err := s.payments.Cancel(ctx, p.ID); err != nil {
				return err
			}
		case p.Status.Captured():
			if err := s.refundPayment(ctx, o, p, reason); err != nil {
				return err
			}
		}
	}
	return nil
}

// landed returns p with the outcome of its authorization: reconciled
// with the provider first when it is in flight. A decline is an outcome,
// not an error.
func (s *Service) landed(ctx context.Context, p payment.Payment) (payment.Payment, error) {
	if !p.Status.InFlight() {
		return p, nil
	}
	p, err := s.payments.Reconcile(ctx, p.ID)
	if err != nil && !errors.Is(err, commerce.ErrPaymentDeclined) {
		return p, err
	}
	return p, nil
}

// refundPayment refunds what is left of p under the order's refund key,
// resuming the refund that key already made, if any.
func (s *Service) refundPayment(ctx context.Context, o Order, p payment.Payment, reason string) error {
	key := refundKey(o.ID, p.ID)
	refunds, err := s.payments.Refunds(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, r := range refunds {
		if r.IdempotencyKey != key {
			continue
		}
		if r.Status == payment.RefundPending {
			_, err = s.payments.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: r.Amount, Reason: r.Reason, IdempotencyKey: key})
			return err
		}
		return nil
	}
	left, err := payment.Refundable(p, refunds)
	if err != nil || !left.IsPositive() {
		return err
	}
	_, err = s.payments.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: left, Reason: reason, IdempotencyKey: key})
	return err
}

func (s *Service) settleStock(ctx context.Context, o Order) error {
	res, err := s.stock.Get(ctx, o.ReservationID)
	switch {
	case errors.Is(err, commerce.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	switch res.Status {
	case inventory.StatusReserved:
		return s.stock.Release(ctx, o.ReservationID)
	case inventory.StatusDeducted:
		return s.stock.Restock(ctx, o.ReservationID)
	}
	return nil
}

// charged is what the order's payments hold: captured and not refunded.
func (s *Service) charged(ctx context.Context, o Order) (commerce.Money, error) {
	pays, err := s.payments.GetByOrder(ctx, o.ID)
	if err != nil {
		return commerce.Money{}, err
	}
	sum := commerce.Zero(o.Currency)
	for _, p := range pays {
		if p.CapturedAmount.Currency() == "" {
			continue
		}
		held, err := p.CapturedAmount.Sub(p.RefundedAmount)
		if err != nil {
			return commerce.Money{}, err
		}
		if sum, err = sum.Add(held); err != nil {
			return commerce.Money{}, err
		}
	}
	return sum, nil
}
