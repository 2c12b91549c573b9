package order

import (
	"context"
	"errors"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/periodic"
	"github.com/mercatohq/mercato/payment"
)

// RecoveryReport counts what one Recover pass did.
type RecoveryReport struct {
	// Confirmed checkouts were found paid and completed.
	Confirmed int
	// Cancelled checkouts were found unpaid (declined, voided or never
	// charged) and cancelled with their stock released.
	Cancelled int
	// Discarded orders were Pending: they never reached payment.
	Discarded int
	// Settled cancellations and refunds had their money and stock moves
	// finished.
	Settled int
	// Left orders could not be finished yet (a payment outcome still
	// unknown, a dependency down); a later pass tries again.
	Left int
}

// Recover finishes the orders whose work stopped half-way — a crash, a
// timeout, a dependency down — once they have been unsettled for
// Options.RecoverAfter:
//   - Pending (never reached payment): discarded, its stock, promotion
//     uses and gift cards released;
//   - PaymentPending: the payment is looked up (and reconciled with the
//     provider when in flight). Taken: the checkout is completed (stock
//     deducted, cart converted, Confirmed). Declined, voided or never
//     made: the order is Cancelled and its stock released;
//   - Cancelled or Refunded and unsettled: the void, refunds and stock
//     moves are finished.
//
// It is safe to run in several processes at once and alongside the calls
// it takes over from. It returns the errors of the orders it left joined.
func (s *Service) Recover(ctx context.Context) (RecoveryReport, error) {
	var rep RecoveryReport
	orders, err := s.store.Unsettled(ctx, s.now().Add(-s.opts.RecoverAfter), s.opts.RecoveryBatch)
	if err != nil {
		return rep, err
	}
	var errs []error
	for _, o := range orders {
		if err := s.recoverOrder(ctx, o, &rep); err != nil {
			rep.Left++
			errs = append(errs, err)
			s.log.Warn("order: recovery left an order for later", "order_id", o.ID, "status", o.Status, "error", err)
		}
	}
	return rep, errors.Join(errs...)
}

// RunRecovery runs Recover at once and then every interval until ctx
// ends, logging what it did. It returns nil when ctx ends.
func (s *Service) RunRecovery(ctx context.Context, interval time.Duration) error {
	pass := func(ctx context.Context) {
		rep, err := s.Recover(ctx)
		if rep != (RecoveryReport{}) {
			s.log.Info("order: recovery pass", "confirmed", rep.Confirmed, "cancelled", rep.Cancelled,
				"discarded", rep.Discarded, "settled", rep.Settled, "left", rep.Left)
		}
		if err != nil && ctx.Err() == nil {
			s.log.Warn("order: recovery pass failed", "error", err)
		}
	}
	if interval > 0 {
		pass(ctx) // orders left by a crash are finished at start
	}
	return periodic.Run(ctx, "order: recovery", interval, pass)
}

func (s *Service) recoverOrder(ctx context.Context, o Order, rep *RecoveryReport) error {
	switch o.Status {
	case StatusPending:
		// Discard first: once the row is gone a stalled checkout cannot
		// move on to payment, so releasing its stock is safe.
		if err := s.discard(ctx, o, "checkout abandoned"); err != nil {
			return err
		}
		if err := s.releaseDiscarded(ctx, o); err != nil {
			return err
		}
		rep.Discarded++
		return nil
	case StatusPaymentPending:
		return s.recoverPayment(ctx, o, rep)
	case StatusCancelled, StatusRefunded:
		if _, err := s.settle(ctx, o, "order "+string(o.Status)); err != nil {
			return err
		}
		rep.Settled++
		return nil
	}
	return commerce.Errorf(commerce.CodeInternal, "order %s: unsettled in status %s", o.ID, o.Status)
}

// recoverPayment finishes a checkout stopped in PaymentPending from what
// the payment says.
func (s *Service) recoverPayment(ctx context.Context, o Order, rep *RecoveryReport) error {
	amount, err := o.CardAmount()
	if err != nil {
		return err
	}
	p, err := s.payments.GetByIdempotencyKey(ctx, paymentKey(o.ID))
	switch {
	case errors.Is(err, commerce.ErrNotFound) && !amount.IsPositive():
		// An order that is free, or paid wholly by gift cards, needs no
		// card payment: finish it.
	case errors.Is(err, commerce.ErrNotFound):
		// Never charged. If the stalled call creates the payment after
		// all, its confirmation finds the order cancelled and voids it.
		return s.recoverCancel(ctx, o, "checkout abandoned before payment", rep)
	case err != nil:
		return err
	}
	if p, err = s.landed(ctx, p); err != nil {
		return err
	}
	switch p.Status {
	case payment.StatusAuthorized, payment.StatusCaptured, payment.StatusCompleted, "":
		c, err := s.complete(ctx, o, p)
		switch {
		case c.Status == StatusConfirmed && err == nil:
			rep.Confirmed++
			return nil
		case c.Status == StatusCancelled && c.Settled:
			rep.Cancelled++ // the reservation had lapsed: paid back
			return nil
		}
		return err
	case payment.StatusFailed:
		// fail always returns an error: the decline it reports to the
		// buyer when it succeeds. What it did shows in the order: the
		// checkout is finished once it is Cancelled and settled.
		c, err := s.fail(ctx, o, p)
		if c.Status == StatusCancelled && c.Settled {
			rep.Cancelled++
			return nil
		}
		return err
	case payment.StatusCancelled:
		return s.recoverCancel(ctx, o, "payment voided", rep)
	}
	return commerce.Errorf(commerce.CodeUnavailable, "order %s: payment %s is still %s", o.ID, p.ID, p.Status)
}

func (s *Service) recoverCancel(ctx context.Context, o Order, reason string, rep *RecoveryReport) error {
	c, err := s.abort(ctx, o, reason, errors.New(reason))
	if c.Status == StatusCancelled && c.Settled {
		rep.Cancelled++
		return nil
	}
	return err
}
