package order

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// ExternalRefund is a refund of one of the order's payments made at the
// payment provider (its dashboard) rather than through Mercato, recorded
// when the payment learnt of it.
type ExternalRefund struct {
	RefundID  commerce.RefundID  `json:"refund_id"`
	PaymentID commerce.PaymentID `json:"payment_id"`
	Amount    commerce.Money     `json:"amount"`
	Reason    string             `json:"reason,omitempty"`
	At        time.Time          `json:"at"`
}

// ActorProvider is the actor of what the payment provider did on its own
// (a refund made in its dashboard).
const ActorProvider = "provider"

// HandlePaymentRefunded is the handler a host subscribes to
// payment.refunded: it records on the order a refund made at the
// provider (payment.Refunded with External set), as if made through
// Mercato, and publishes order.refunded with the amount, so the customer
// is told as for any refund. The order's status does not change. It is
// idempotent (a refund is recorded once, by its ID), and refunds made
// through Mercato, which the order's own moves record, are ignored, as
// are orders that are gone.
func (s *Service) HandlePaymentRefunded(ctx context.Context, env commerce.Envelope) error {
	e, ok := env.Payload.(payment.Refunded)
	if !ok {
		return commerce.Errorf(commerce.CodeInvalidArgument, "order: event %s carries a %T, not payment.Refunded", env.Name, env.Payload)
	}
	if !e.External || e.OrderID.IsZero() {
		return nil
	}
	_, err := s.store.Update(ctx, e.OrderID, func(o *Order) ([]commerce.Envelope, error) {
		if slices.ContainsFunc(o.ExternalRefunds, func(r ExternalRefund) bool { return r.RefundID == e.RefundID }) {
			return nil, errUnchanged
		}
		now := s.now()
		o.ExternalRefunds = append(o.ExternalRefunds, ExternalRefund{RefundID: e.RefundID, PaymentID: e.PaymentID, Amount: e.Amount, Reason: e.Reason, At: now})
		o.UpdatedAt = now
		reason := e.Reason
		if reason == "" {
			reason = "refunded at the payment provider"
		}
		c := Change{Order: o.Clone(), From: o.Status, Actor: ActorProvider, Reason: reason}
		return []commerce.Envelope{commerce.NewEnvelope(o.ID.String(), now, Refunded{Change: c, Amount: e.Amount})}, nil
	})
	switch {
	case err == nil, errors.Is(err, errUnchanged):
		return nil
	case errors.Is(err, commerce.ErrNotFound):
		s.log.WarnContext(ctx, "order: a provider refund for an unknown order ignored", "order_id", e.OrderID, "refund_id", e.RefundID)
		return nil
	}
	return err
}
