package order

import "github.com/mercatohq/mercato/commerce"

// Change is what every order event carries: the order as the transition
// left it, and the transition itself. Consumers (notifications, search,
// analytics) need nothing else, so they never read the order back.
type Change struct {
	Order Order `json:"order"`
	// From is the status before the transition; empty for order.created.
	From   Status `json:"from,omitempty"`
	Actor  string `json:"actor"`
	Reason string `json:"reason,omitempty"`
}

// Created is order.created: a checkout created the order (Pending).
type Created struct{ Change }

// EventName implements commerce.Event.
func (Created) EventName() string { return "order.created" }

// PaymentPendingEvent is order.payment_pending: the stock is reserved.
type PaymentPendingEvent struct{ Change }

// EventName implements commerce.Event.
func (PaymentPendingEvent) EventName() string { return "order.payment_pending" }

// Confirmed is order.confirmed: paid for, stock deducted, cart converted.
type Confirmed struct{ Change }

// EventName implements commerce.Event.
func (Confirmed) EventName() string { return "order.confirmed" }

// Cancelled is order.cancelled: the payment failed or the customer
// cancelled. Refund is what was captured and is being paid back; zero
// when nothing was charged.
type Cancelled struct {
	Change
	Refund commerce.Money `json:"refund"`
}

// EventName implements commerce.Event.
func (Cancelled) EventName() string { return "order.cancelled" }

// Processing is order.processing: fulfilment started.
type Processing struct{ Change }

// EventName implements commerce.Event.
func (Processing) EventName() string { return "order.processing" }

// Packed is order.packed.
type Packed struct{ Change }

// EventName implements commerce.Event.
func (Packed) EventName() string { return "order.packed" }

// Shipped is order.shipped; the order's Shipment says how.
type Shipped struct{ Change }

// EventName implements commerce.Event.
func (Shipped) EventName() string { return "order.shipped" }

// InTransit is order.in_transit.
type InTransit struct{ Change }

// EventName implements commerce.Event.
func (InTransit) EventName() string { return "order.in_transit" }

// OutForDelivery is order.out_for_delivery.
type OutForDelivery struct{ Change }

// EventName implements commerce.Event.
func (OutForDelivery) EventName() string { return "order.out_for_delivery" }

// Delivered is order.delivered.
type Delivered struct{ Change }

// EventName implements commerce.Event.
func (Delivered) EventName() string { return "order.delivered" }

// ReturnRequested is order.return_requested.
type ReturnRequested struct{ Change }

// EventName implements commerce.Event.
func (ReturnRequested) EventName() string { return "order.return_requested" }

// ReturnApproved is order.return_approved.
type ReturnApproved struct{ Change }

// EventName implements commerce.Event.
func (ReturnApproved) EventName() string { return "order.return_approved" }

// Refunded is order.refunded: the returned order's payment is being paid
// back (Amount) and its stock put back. It is also published, with the
// order's status unchanged (From equal to Order.Status), for a partial
// return refunded and for a refund made at the payment provider
// (Actor ActorProvider): Amount is then that refund.
type Refunded struct {
	Change
	Amount commerce.Money `json:"amount"`
}

// EventName implements commerce.Event.
func (Refunded) EventName() string { return "order.refunded" }

// Discarded is order.discarded: a Pending order that never reserved its
// stock (out of stock, or abandoned and swept by recovery) was removed.
// It never moved money or stock. Pending has no arrow out but to
// PaymentPending, so such an order leaves the state machine by being
// deleted, and this event closes it for consumers of order.created.
type Discarded struct {
	Change
}

// EventName implements commerce.Event.
func (Discarded) EventName() string { return "order.discarded" }

// ReturnUpdated is published when one of an order's returns is requested,
// approved or refunded (order.return_updated); Return.Status says which.
// The order's status does not change.
type ReturnUpdated struct {
	Order  Order  `json:"order"`
	Return Return `json:"return"`
	Actor  string `json:"actor"`
}

// EventName implements commerce.Event.
func (ReturnUpdated) EventName() string { return "order.return_updated" }

func returnEvent(o Order, r Return, actor string) commerce.Envelope {
	return commerce.NewEnvelope(o.ID.String(), o.UpdatedAt, ReturnUpdated{Order: o.Clone(), Return: r.clone(), Actor: actor})
}

// RegisterEvents registers every order event's payload type with r.
func RegisterEvents(r *commerce.EventRegistry) {
	_ = commerce.RegisterEvent[Created](r)
	_ = commerce.RegisterEvent[PaymentPendingEvent](r)
	_ = commerce.RegisterEvent[Confirmed](r)
	_ = commerce.RegisterEvent[Cancelled](r)
	_ = commerce.RegisterEvent[Processing](r)
	_ = commerce.RegisterEvent[Packed](r)
	_ = commerce.RegisterEvent[Shipped](r)
	_ = commerce.RegisterEvent[InTransit](r)
	_ = commerce.RegisterEvent[OutForDelivery](r)
	_ = commerce.RegisterEvent[Delivered](r)
	_ = commerce.RegisterEvent[ReturnRequested](r)
	_ = commerce.RegisterEvent[ReturnApproved](r)
	_ = commerce.RegisterEvent[Refunded](r)
	_ = commerce.RegisterEvent[Discarded](r)
	_ = commerce.RegisterEvent[ReturnUpdated](r)
}

// transitionEvent is the event of the move that left o in its status.
func transitionEvent(o Order, from Status, actor, reason string, refund commerce.Money) commerce.Envelope {
	c := Change{Order: o.Clone(), From: from, Actor: actor, Reason: reason}
	var e commerce.Event
	switch o.Status {
	case StatusPending:
		e = Created{c}
	case StatusPaymentPending:
		e = PaymentPendingEvent{c}
	case StatusConfirmed:
		e = Confirmed{c}
	case StatusCancelled:
		e = Cancelled{Change: c, Refund: refund}
	case StatusProcessing:
		e = Processing{c}
	case StatusPacked:
		e = Packed{c}
	case StatusShipped:
		e = Shipped{c}
	case StatusInTransit:
		e = InTransit{c}
	case StatusOutForDelivery:
		e = OutForDelivery{c}
	case StatusDelivered:
		e = Delivered{c}
	case StatusReturnRequested:
		e = ReturnRequested{c}
	case StatusReturnApproved:
		e = ReturnApproved{c}
	default:
		e = Refunded{Change: c, Amount: refund}
	}
	return commerce.NewEnvelope(o.ID.String(), o.UpdatedAt, e)
}
