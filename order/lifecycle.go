package order

import (
	"context"
	"net/url"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// TransitionInput asks Transition to move an order.
type TransitionInput struct {
	OrderID commerce.OrderID
	To      Status
	// Actor is recorded in the history; default ActorAdmin.
	Actor string
	// Reason is recorded in the history and the event; optional.
	Reason string
	// Shipment describes the shipment when To is StatusShipped.
	Shipment *Shipment
}

// Transition moves an order along its state machine (CanTransition) after
// checkout: Processing, Packed, Shipped (capturing the payment first
// when the service captures at shipment), InTransit, OutForDelivery,
// Delivered, Cancelled (see Cancel), ReturnRequested, ReturnApproved and
// Refunded (refunding what was captured and restocking). Each move writes
// the order, its history entry and its event together.
//
// A move to the status the order already has returns it unchanged, so a
// retried request succeeds. A move the state machine has no arrow for,
// and any move to Pending, PaymentPending or Confirmed (checkout's
// alone), is FailedPrecondition with the order's status in Details.
func (s *Service) Transition(ctx context.Context, in TransitionInput) (Order, error) {
	if err := validateOrderID(in.OrderID); err != nil {
		return Order{}, err
	}
	if !in.To.Valid() {
		return Order{}, invalid("to", "unknown order status %q", in.To)
	}
	if in.Actor == "" {
		in.Actor = ActorAdmin
	}
	if err := validateText("actor", in.Actor, 200); err != nil {
		return Order{}, err
	}
	if err := validateText("reason", in.Reason, 1000); err != nil {
		return Order{}, err
	}
	switch in.To {
	case StatusPending, StatusPaymentPending, StatusConfirmed:
		o, err := s.store.Get(ctx, in.OrderID)
		if err != nil {
			return Order{}, err
		}
		if o.Status == in.To {
			return o, nil
		}
		return o, commerce.Errorf(commerce.CodeFailedPrecondition, "order %s: only checkout moves an order to %s", o.ID, in.To).
			WithDetail("order_id", o.ID.String()).WithDetail("status", string(o.Status)).WithDetail("to", string(in.To))
	case StatusCancelled:
		return s.Cancel(ctx, in.OrderID, in.Actor, in.Reason)
	case StatusShipped:
		return s.ship(ctx, in)
	case StatusRefunded:
		return s.refund(ctx, in)
	}
	return s.move(ctx, in.OrderID, nil, in.To, in.Actor, in.Reason, nil, commerce.Money{})
}

// Cancel cancels a Confirmed or Processing order at the customer's or
// an operator's request: it records the cancellation and its event first, then voids
// the authorization or refunds the capture and gives the stock back.
// When those moves fail the order stays Cancelled and unsettled and the
// error is returned; calling Cancel again, or Recover, finishes them.
// Cancelling a cancelled order returns it (settling it if needed); any
// other status is FailedPrecondition.
func (s *Service) Cancel(ctx context.Context, id commerce.OrderID, actor, reason string) (Order, error) {
	if err := validateOrderID(id); err != nil {
		return Order{}, err
	}
	if actor == "" {
		actor = ActorAdmin
	}
	if err := validateText("reason", reason, 1000); err != nil {
		return Order{}, err
	}
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return Order{}, err
	}
	if o.Status != StatusCancelled {
		if o.Status != StatusConfirmed && o.Status != StatusProcessing {
			return o, errTransition(o, StatusCancelled)
		}
		refund, err := s.charged(ctx, o)
		if err != nil {
			return o, err
		}
		// The gift cards are credited back in full too: the event tells
		// the buyer everything that comes back.
		cards, err := o.GiftCardAmount()
		if err != nil {
			return o, err
		}
		if refund, err = refund.Add(cards); err != nil {
			return o, err
		}
		if o, err = s.move(ctx, id, []Status{StatusConfirmed, StatusProcessing}, StatusCancelled, actor, reason, func(o *Order) error {
			o.Settled = false
			return nil
		}, refund); err != nil {
			return o, err
		}
	}
	if o.Settled {
		return o, nil
	}
	if reason == "" {
		reason = "order cancelled"
	}
	return s.settle(ctx, o, reason)
}

// ship captures the payment when it is due at shipment, then moves a
// Packed order to Shipped with its shipment details.
func (s *Service) ship(ctx context.Context, in TransitionInput) (Order, error) {
	if in.Shipment != nil {
		for _, f := range [][2]string{{"carrier", in.Shipment.Carrier}, {"tracking_number", in.Shipment.TrackingNumber}, {"tracking_url", in.Shipment.TrackingURL}} {
			if err := validateText(f[0], f[1], 500); err != nil {
				return Order{}, err
			}
		}
		if err := validateTrackingURL(in.Shipment.TrackingURL); err != nil {
			return Order{}, err
		}
	}
	o, err := s.store.Get(ctx, in.OrderID)
	if err != nil {
		return Order{}, err
	}
	if o.Status == StatusShipped {
		return o, nil
	}
	if !CanTransition(o.Status, StatusShipped) {
		return o, errTransition(o, StatusShipped)
	}
	if o.Capture == CaptureAtShipment {
		if err := s.captureAll(ctx, o); err != nil {
			return o, err
		}
	}
	return s.move(ctx, o.ID, []Status{StatusPacked}, StatusShipped, in.Actor, in.Reason, func(o *Order) error {
		if in.Shipment != nil {
			sh := *in.Shipment
			o.Shipment = &sh
		}
		return nil
	}, commerce.Money{})
}

// captureAll captures every authorized payment of o in full.
func (s *Service) captureAll(ctx context.Context, o Order) error {
	pays, err := s.payments.GetByOrder(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, p := range pays {
		if p.Status == payment.StatusAuthorized {
			if _, err := s.payments.Capture(ctx, p.ID, p.Amount); err != nil {
				return err
			}
		}
	}
	return nil
}

// refund moves a ReturnApproved order to Refunded and then refunds what
// was captured and restocks its units, like Cancel.
func (s *Service) refund(ctx context.Context, in TransitionInput) (Order, error) {
	o, err := s.store.Get(ctx, in.OrderID)
	if err != nil {
		return Order{}, err
	}
	if o.Status != StatusRefunded {
		if !CanTransition(o.Status, StatusRefunded) {
			return o, errTransition(o, StatusRefunded)
		}
		amount, err := s.charged(ctx, o)
		if err != nil {
			return o, err
		}
		if o, err = s.move(ctx, o.ID, []Status{StatusReturnApproved}, StatusRefunded, in.Actor, in.Reason, func(o *Order) error {
			o.Settled = false
			return nil
		}, amount); err != nil {
			return o, err
		}
	}
	if o.Settled {
		return o, nil
	}
	reason := in.Reason
	if reason == "" {
		reason = "order returned"
	}
	return s.settle(ctx, o, reason)
}

// validateTrackingURL accepts an empty URL or an absolute http(s) one
// with a host: the URL is shown to customers as a link, so a javascript:
// or data: URL would run in their browser.
func validateTrackingURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return invalid("tracking_url", "the tracking URL must be an absolute http or https URL")
	}
	return nil
}
