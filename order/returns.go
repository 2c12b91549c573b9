package order

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// ReturnStatus is where one return of an order stands.
type ReturnStatus string

// The steps of a return, in order.
const (
	// ReturnStatusRequested: the customer asked to send the lines back.
	ReturnStatusRequested ReturnStatus = "requested"
	// ReturnStatusApproved: the shop accepted the return.
	ReturnStatusApproved ReturnStatus = "approved"
	// ReturnStatusRefunded: the return's refund is paid back.
	ReturnStatusRefunded ReturnStatus = "refunded"
)

// ReturnLine is a quantity of one of the order's SKUs sent back.
type ReturnLine struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// ReturnRefund is what a return gives back, in the order's currency:
// Total = Items + Shipping + Tax. Items is the returned units' price
// (after their share of the order's discount); Shipping and Tax are
// their share of the order's, when the service refunds them (see
// Options.ReturnShipping and Options.ReturnTax), else zero.
type ReturnRefund struct {
	Items    commerce.Money `json:"items"`
	Shipping commerce.Money `json:"shipping"`
	Tax      commerce.Money `json:"tax"`
	Total    commerce.Money `json:"total"`
}

// Return is one return of some of an order's units. An order may have
// several, up to what was bought; each goes from requested to approved to
// refunded. Its refund is fixed when it is requested.
type Return struct {
	// Number counts the order's returns from 1.
	Number int          `json:"number"`
	Lines  []ReturnLine `json:"lines"`
	Status ReturnStatus `json:"status"`
	Reason string       `json:"reason,omitempty"`
	Refund ReturnRefund `json:"refund"`
	// Actor requested the return (see Transition.Actor).
	Actor       string    `json:"actor"`
	RequestedAt time.Time `json:"requested_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func (r Return) clone() Return {
	r.Lines = append([]ReturnLine(nil), r.Lines...)
	return r
}

// Returned is how many units of sku the order's returns take back.
func (o Order) Returned(sku string) int {
	n := 0
	for _, r := range o.Returns {
		for _, l := range r.Lines {
			if l.SKU == sku {
				n += l.Quantity
			}
		}
	}
	return n
}

// ReturnInput asks RequestReturn to return some of an order's units.
type ReturnInput struct {
	OrderID commerce.OrderID
	// Lines name SKUs of the order and how many units of each; a SKU at
	// most once.
	Lines []ReturnLine
	// Reason is recorded with the return; optional.
	Reason string
	// Actor is who asks; default ActorAdmin. The store API passes the
	// customer (CustomerActor).
	Actor string
}

// RequestReturn records a return of some of a delivered order's units,
// with its refund prorated from what the order charged: the units' price
// after their share of the discount, plus their share of the tax and the
// shipping as Options.ReturnTax and Options.ReturnShipping say. Shares
// are split in integer minor units with commerce.Allocate, unit by unit
// in the order the returns are requested, so however an order is
// returned, all its returns together refund exactly what one return of
// everything would.
//
// The order must be Delivered; its status does not change (a return is
// a record on the order, with its own steps). Returning more units of a
// SKU than were bought and not yet returned is FailedPrecondition with
// the SKU and the units left in Details; a SKU the order lacks, a
// quantity below 1 or a SKU named twice is InvalidArgument.
func (s *Service) RequestReturn(ctx context.Context, in ReturnInput) (Order, Return, error) {
	if err := validateOrderID(in.OrderID); err != nil {
		return Order{}, Return{}, err
	}
	if in.Actor == "" {
		in.Actor = ActorAdmin
	}
	if err := validateText("actor", in.Actor, 200); err != nil {
		return Order{}, Return{}, err
	}
	if err := validateText("reason", in.Reason, 1000); err != nil {
		return Order{}, Return{}, err
	}
	if len(in.Lines) == 0 {
		return Order{}, Return{}, invalid("lines", "a return names at least one line")
	}
	seen := map[string]bool{}
	for i, l := range in.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		if l.SKU == "" {
			return Order{}, Return{}, invalid(field+".sku", "a SKU is required")
		}
		if seen[l.SKU] {
			return Order{}, Return{}, invalid(field+".sku", "SKU %q is named twice", truncate(l.SKU))
		}
		seen[l.SKU] = true
		if l.Quantity < 1 {
			return Order{}, Return{}, invalid(field+".quantity", "the quantity must be at least 1")
		}
	}
	var made Return
	o, err := s.store.Update(ctx, in.OrderID, func(o *Order) ([]commerce.Envelope, error) {
		if o.Status != StatusDelivered {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "order %s is %s: only a delivered order can be returned", o.ID, o.Status).
				WithDetail("order_id", o.ID.String()).WithDetail("status", string(o.Status))
		}
		for i, l := range in.Lines {
			bought := 0
			for _, ol := range o.Lines {
				if ol.SKU == l.SKU {
					bought += ol.Quantity
				}
			}
			if bought == 0 {
				return nil, invalid(fmt.Sprintf("lines[%d].sku", i), "the order has no SKU %q", truncate(l.SKU))
			}
			if left := bought - o.Returned(l.SKU); l.Quantity > left {
				return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "order %s: cannot return %d of %s, only %d left to return", o.ID, l.Quantity, l.SKU, left).
					WithDetail("field", fmt.Sprintf("lines[%d].quantity", i)).WithDetail("sku", l.SKU).WithDetail("returnable", left)
			}
		}
		refund, err := s.prorate(*o, in.Lines)
		if err != nil {
			return nil, err
		}
		now := s.now()
		made = Return{
			Number: len(o.Returns) + 1, Lines: append([]ReturnLine(nil), in.Lines...), Status: ReturnStatusRequested,
			Reason: in.Reason, Refund: refund, Actor: in.Actor, RequestedAt: now, UpdatedAt: now,
		}
		o.Returns = append(o.Returns, made)
		o.UpdatedAt = now
		return []commerce.Envelope{returnEvent(*o, made, in.Actor)}, nil
	})
	if err != nil {
		return Order{}, Return{}, err
	}
	return o, made, nil
}

// ApproveReturn accepts return number of the order. Approving an
// approved or refunded return returns it unchanged; a missing one is
// NotFound.
func (s *Service) ApproveReturn(ctx context.Context, id commerce.OrderID, number int, actor string) (Order, Return, error) {
	return s.stepReturn(ctx, id, number, actor, ReturnStatusRequested, ReturnStatusApproved)
}

// RefundReturn pays back approved return number of the order: it refunds
// the return's Refund.Total from the order's captured payments, under a
// key of its own, and then records the return refunded. A refund that
// fails leaves the return approved and the error returned: calling
// RefundReturn again resumes the same refund, never paying twice.
// Refunding a refunded return returns it unchanged; one not approved yet
// is FailedPrecondition.
func (s *Service) RefundReturn(ctx context.Context, id commerce.OrderID, number int, actor string) (Order, Return, error) {
	if err := validateOrderID(id); err != nil {
		return Order{}, Return{}, err
	}
	o, err := s.store.Get(ctx, id)
	if err != nil {
		return Order{}, Return{}, err
	}
	r, err := returnOf(o, number)
	if err != nil {
		return o, Return{}, err
	}
	switch r.Status {
	case ReturnStatusRefunded:
		return o, r, nil
	case ReturnStatusApproved:
	default:
		return o, r, errReturnStep(o, r, ReturnStatusRefunded)
	}
	if err := s.refundReturn(ctx, o, r); err != nil {
		return o, r, err
	}
	return s.stepReturn(ctx, id, number, actor, ReturnStatusApproved, ReturnStatusRefunded)
}

// refundReturn refunds r's total: to o's gift cards first, up to what
// they paid and was not refunded yet, and the rest from o's captured
// payments, in their order. Each part goes under a key derived from the
// order, the return and the payment (or the gift cards), so a retry
// resumes it. Gift-card money goes back to the cards first because it is
// the shop's own credit: a partial return never turns it into cash
// while card money is left to refund.
func (s *Service) refundReturn(ctx context.Context, o Order, r Return) error {
	left := r.Refund.Total
	if !left.IsPositive() {
		return nil
	}
	if len(o.GiftCards) > 0 && s.opts.GiftCards != nil {
		credited, err := s.opts.GiftCards.RefundGiftCards(ctx, o.ID, giftRefundID(o, fmt.Sprintf("order:%s:return:%d:gift_cards", o.ID, r.Number)), left)
		if err != nil {
			return err
		}
		if left, err = left.Sub(credited); err != nil {
			return err
		}
		if !left.IsPositive() {
			return nil
		}
	}
	pays, err := s.payments.GetByOrder(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, p := range pays {
		if !left.IsPositive() {
			return nil
		}
		if !p.Status.Captured() {
			continue
		}
		key := returnKey(o.ID, r.Number, p.ID)
		refunds, err := s.payments.Refunds(ctx, p.ID)
		if err != nil {
			return err
		}
		amount := commerce.Money{}
		for _, rf := range refunds {
			if rf.IdempotencyKey == key {
				amount = rf.Amount // resume the refund this key made
			}
		}
		if amount.Currency() == "" {
			avail, err := payment.Refundable(p, refunds)
			if err != nil {
				return err
			}
			amount = minMoney(left, avail)
			if !amount.IsPositive() {
				continue
			}
		}
		if _, err := s.payments.Refund(ctx, payment.RefundInput{
			PaymentID: p.ID, Amount: amount, Reason: fmt.Sprintf("return %d of order %d", r.Number, o.Number), IdempotencyKey: key,
		}); err != nil {
			return err
		}
		if left, err = left.Sub(amount); err != nil {
			return err
		}
	}
	if left.IsPositive() {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "order %s: return %d: %s cannot be refunded, the payments hold less", o.ID, r.Number, left).
			WithDetail("order_id", o.ID.String()).WithDetail("unrefunded", left.String())
	}
	return nil
}

func minMoney(a, b commerce.Money) commerce.Money {
	if c, _ := a.Cmp(b); c > 0 {
		return b
	}
	return a
}

// returnKey is the idempotency key of the refund return n of an order
// makes of one payment.
func returnKey(id commerce.OrderID, n int, p commerce.PaymentID) string {
	return fmt.Sprintf("order:%s:return:%d:%s", id, n, p)
}

// stepReturn moves return number of order id from one step to the next.
func (s *Service) stepReturn(ctx context.Context, id commerce.OrderID, number int, actor string, from, to ReturnStatus) (Order, Return, error) {
	if err := validateOrderID(id); err != nil {
		return Order{}, Return{}, err
	}
	if actor == "" {
		actor = ActorAdmin
	}
	if err := validateText("actor", actor, 200); err != nil {
		return Order{}, Return{}, err
	}
	var out Return
	o, err := s.store.Update(ctx, id, func(o *Order) ([]commerce.Envelope, error) {
		r, err := returnOf(*o, number)
		if err != nil {
			return nil, err
		}
		if r.Status == to || (to == ReturnStatusApproved && r.Status == ReturnStatusRefunded) {
			out = r
			return nil, errUnchanged
		}
		if r.Status != from {
			return nil, errReturnStep(*o, r, to)
		}
		r.Status, r.UpdatedAt = to, s.now()
		o.Returns[number-1] = r
		o.UpdatedAt = r.UpdatedAt
		out = r
		evs := []commerce.Envelope{returnEvent(*o, r, actor)}
		if to == ReturnStatusRefunded {
			// Tell the customer as for any refund: order.refunded with
			// the amount; the order's status stays.
			c := Change{Order: o.Clone(), From: o.Status, Actor: actor, Reason: fmt.Sprintf("return %d", r.Number)}
			evs = append(evs, commerce.NewEnvelope(o.ID.String(), o.UpdatedAt, Refunded{Change: c, Amount: r.Refund.Total}))
		}
		return evs, nil
	})
	if errors.Is(err, errUnchanged) {
		o, err = s.store.Get(ctx, id)
		return o, out, err
	}
	if err != nil {
		return Order{}, Return{}, err
	}
	return o, out, nil
}

func returnOf(o Order, number int) (Return, error) {
	if number < 1 || number > len(o.Returns) {
		return Return{}, commerce.Errorf(commerce.CodeNotFound, "order %s has no return %d", o.ID, number).
			WithDetail("order_id", o.ID.String()).WithDetail("return", number)
	}
	return o.Returns[number-1].clone(), nil
}

func errReturnStep(o Order, r Return, to ReturnStatus) error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "order %s: return %d is %s: it cannot become %s", o.ID, r.Number, r.Status, to).
		WithDetail("order_id", o.ID.String()).WithDetail("return", r.Number).WithDetail("status", string(r.Status))
}
