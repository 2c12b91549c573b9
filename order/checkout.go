package order

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/payment"
)

// CheckoutInput is what Checkout needs besides the cart.
type CheckoutInput struct {
	// Email receives the order's messages; required, also for customers.
	Email string
	// CustomerID, when set, is the signed-in buyer. Checking out a guest
	// cart with it makes the order theirs; a cart that belongs to another
	// customer is PermissionDenied. Empty, the order is the cart's owner's.
	CustomerID      commerce.CustomerID
	ShippingAddress commerce.Address
	// BillingAddress defaults to ShippingAddress.
	BillingAddress *commerce.Address
	// PaymentMethod is the provider's payment-method token (pm_card_visa).
	PaymentMethod string
	// IdempotencyKey identifies the checkout: one key is at most one order
	// and one charge. Printable ASCII without spaces, at most 150 bytes.
	IdempotencyKey string
	// ExpectedTotal, when set, is the total the customer agreed to; a
	// checkout that would cost anything else fails with
	// FailedPrecondition and the actual total in Details["total"].
	ExpectedTotal *commerce.Money
	// GiftCards pay part of the order, in turn, before the card payment
	// takes the rest (see GiftCardUse); an order they pay in full takes
	// no card payment. They need Options.GiftCards. A card refused (an
	// unknown code: InvalidArgument naming "gift_cards[i].code"; a
	// balance too small: FailedPrecondition) fails the checkout before
	// anything is charged.
	GiftCards []GiftCardUse
}

// Checkout turns cart cartID into an order and pays for it, in this
// sequence: price the cart, create the order (Pending), reserve the stock
// (PaymentPending), take the payment, deduct the stock, mark the cart
// converted and confirm the order (Confirmed, order.confirmed). Each step
// is idempotent and the order row records how far it got, so a checkout
// interrupted anywhere is finished by calling Checkout again with the same
// key or by Recover.
//
// With Options.UnitOfWork (the Store and the Stock writing to one
// database: the PostgreSQL stores on one pool), Payments a
// PaymentRecorder whose writes join the unit (the payment store on the
// same pool), no promotion or gift card to hold, and a provider that
// captures in the authorization call, a checkout makes two durable
// commits, each buying one guarantee:
//  1. the order created, PaymentPending, with its stock reserved and its
//     payment recorded, in one unit (order.created,
//     order.payment_pending, inventory.reserved, payment.initiated): the
//     key and the cart version are claimed, so a retry or a concurrent
//     call finds this order; nothing is charged before the stock is held;
//     the provider call's idempotency key is durable before the call, so
//     a crash during it is reconciled with the provider, never charged
//     twice; and no crash leaves an order, its stock or its payment
//     without the others;
//  2. after the provider call, and the cart converted, the payment's
//     outcome, the order Confirmed and the stock deducted, in one unit
//     (payment.authorized, payment.captured, payment.completed,
//     order.confirmed, inventory.deducted): the money taken and the sale
//     are final in one step. A crash before it is a crash during the
//     provider call: recovery finds the order PaymentPending and its
//     payment Processing, and reconciles the payment with the provider.
//
// On PostgreSQL that is 6 round trips (5 for a cart of one line). When
// the second unit cannot commit (the order cancelled meanwhile, the
// reservation lapsed, the payment moved on) it writes nothing, and the
// payment's outcome is recorded on its own before the order is completed
// as below. A payment the provider only authorized is recorded, and
// captured, in commits of its own between the two units. A payment whose
// writes do not join the unit is recorded in a commit of its own before
// the provider call, and its outcome after it: four commits. Stock short,
// the first unit leaves nothing, and the order is then created (Pending)
// and discarded on its own, so that checkout too announces order.created
// and order.discarded. Without a UnitOfWork, or with holds to take, the
// creation, the reservation, the move to PaymentPending, the payment's
// record and its outcome, the deduction and the confirmation commit one
// by one, with the holds and their captures between: seven commits or
// more.
//
// Errors:
//   - bad input: InvalidArgument with the field;
//   - a missing cart: NotFound; an empty, converted or unpurchasable cart,
//     or a total other than ExpectedTotal: FailedPrecondition;
//   - a cart with another checkout under way or done: Conflict;
//   - stock short: OutOfStock with an *inventory.OutOfStockError; the
//     order is discarded and nothing is charged;
//   - payment refused: PaymentDeclined with the provider's code and reason
//     in Details; the order is Cancelled and its stock released;
//   - anything else (a dependency down, an unknown payment outcome): the
//     order is left where it got to and the error returned; retrying with
//     the key continues it.
//
// The same key returns the same order, whatever the state of the first
// call, concurrent ones included; with another cart it is Conflict.
func (s *Service) Checkout(ctx context.Context, cartID commerce.CartID, in CheckoutInput) (_ Order, err error) {
	ctx, end := s.observe(ctx, StepCheckout)
	defer func() { end(err) }()
	in, err = in.normalized()
	if err != nil {
		return Order{}, err
	}
	if cartID.IsZero() {
		return Order{}, invalid("cart_id", "cart id is required")
	}
	if err := cartID.Validate(); err != nil {
		return Order{}, invalid("cart_id", "%w", err)
	}
	o, err, shared := s.inflight.Do(ctx, in.IdempotencyKey, func() (Order, error) { return s.checkout(ctx, cartID, in) })
	if !shared {
		return o, err
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return Order{}, commerce.Errorf(commerce.CodeUnavailable, "order: waiting for the first checkout with this key: %w", err)
	}
	if o.ID != "" {
		if err := checkReplay(o, cartID, in); err != nil {
			return Order{}, err
		}
	}
	return o, err
}

func errKeyReused(key, what string) error {
	return commerce.Errorf(commerce.CodeConflict, "order: idempotency key %q was used for %s", key, what).
		WithDetail("field", "idempotency_key")
}

// checkReplay returns nil when in, a checkout of cartID under o's key,
// asks for what o was made from: the same cart, e-mail, addresses,
// payment method and signed-in buyer. Anything else is a Conflict, as
// Stripe answers a key reused with other parameters: the key's first
// order is never answered to a request it did not come from. The order
// itself is the request's fingerprint, so nothing more is stored.
func checkReplay(o Order, cartID commerce.CartID, in CheckoutInput) error {
	if o.CartID != cartID {
		return errKeyReused(in.IdempotencyKey, "another cart")
	}
	billing := in.ShippingAddress
	if in.BillingAddress != nil {
		billing = *in.BillingAddress
	}
	if o.Email != in.Email || o.ShippingAddress != in.ShippingAddress || o.BillingAddress != billing ||
		o.PaymentMethod != in.PaymentMethod || (!in.CustomerID.IsZero() && o.CustomerID != in.CustomerID) ||
		!sameGiftCards(o, in.GiftCards) {
		return errKeyReused(in.IdempotencyKey, "a checkout with other details")
	}
	return nil
}

func (in CheckoutInput) normalized() (CheckoutInput, error) {
	var err error
	if in.Email, err = normalizeEmail(in.Email); err != nil {
		return in, err
	}
	in.ShippingAddress = in.ShippingAddress.Normalize()
	if err := in.ShippingAddress.Validate(); err != nil {
		return in, commerce.Errorf(commerce.CodeInvalidArgument, "order: shipping_address: %w", err).WithDetail("field", "shipping_address")
	}
	if in.BillingAddress != nil {
		b := in.BillingAddress.Normalize()
		if err := b.Validate(); err != nil {
			return in, commerce.Errorf(commerce.CodeInvalidArgument, "order: billing_address: %w", err).WithDetail("field", "billing_address")
		}
		in.BillingAddress = &b
	}
	if !in.CustomerID.IsZero() {
		if err := in.CustomerID.Validate(); err != nil {
			return in, invalid("customer_id", "%w", err)
		}
	}
	if err := validateGiftCards(in.GiftCards); err != nil {
		return in, err
	}
	if in.PaymentMethod == "" {
		return in, invalid("payment_method", "a payment-method token is required")
	}
	if err := validateText("payment_method", in.PaymentMethod, 255); err != nil {
		return in, err
	}
	return in, validateKey(in.IdempotencyKey)
}

func (s *Service) checkout(ctx context.Context, cartID commerce.CartID, in CheckoutInput) (Order, error) {
	// A first checkout, the common case, goes straight to Create, which
	// finds a repeat by its key. A repeat whose cart can no longer be
	// drafted (converted by the first call, repriced, expired) is found
	// by its key here.
	o, err := s.observed(ctx, StepPrice, Order{}, func(ctx context.Context, _ Order) (Order, error) { return s.draft(ctx, cartID, in) })
	if err != nil {
		prior, lerr := s.store.GetByIdempotencyKey(ctx, in.IdempotencyKey)
		if lerr != nil {
			if errors.Is(lerr, commerce.ErrNotFound) {
				return Order{}, err
			}
			return Order{}, lerr
		}
		if err := checkReplay(prior, cartID, in); err != nil {
			return Order{}, err
		}
		return s.advance(ctx, prior, in.GiftCards)
	}
	if s.atomic(o) {
		placed, recorded, created, err := s.placeAtomically(ctx, o)
		switch {
		case err == nil:
			if !created {
				if err := checkReplay(placed, cartID, in); err != nil {
					return Order{}, err
				}
			}
			return s.advanceFrom(ctx, placed, in.GiftCards, recorded)
		case !errors.Is(err, commerce.ErrOutOfStock):
			return Order{}, err
		}
		// Stock short: the unit left nothing behind. The order is
		// created and discarded step by step, so an out-of-stock
		// checkout announces order.created and order.discarded as
		// every other checkout does (and succeeds if stock arrived).
	}
	cctx, end := s.observe(ctx, StepCreate)
	stored, created, err := s.store.Create(cctx, o, func(o Order) []commerce.Envelope {
		return []commerce.Envelope{transitionEvent(o, "", ActorSystem, "checkout", commerce.Money{})}
	})
	end(err)
	if err != nil {
		return Order{}, err
	}
	if !created {
		if err := checkReplay(stored, cartID, in); err != nil {
			return Order{}, err
		}
	}
	return s.advance(ctx, stored, in.GiftCards)
}

// draft prices the cart and builds the Pending order.
func (s *Service) draft(ctx context.Context, cartID commerce.CartID, in CheckoutInput) (Order, error) {
	c, err := s.carts.Get(ctx, cartID)
	if err != nil {
		return Order{}, err
	}
	switch {
	case c.Status == cart.StatusConverted:
		return Order{}, commerce.Errorf(commerce.CodeFailedPrecondition, "order: cart %s was already checked out", c.ID).
			WithDetail("cart_id", c.ID.String()).WithDetail("order_id", c.ConvertedOrderID.String())
	case c.Status != cart.StatusActive:
		return Order{}, commerce.Errorf(commerce.CodeFailedPrecondition, "order: cart %s is %s", c.ID, c.Status).WithDetail("cart_id", c.ID.String())
	case len(c.Lines) == 0:
		return Order{}, commerce.Errorf(commerce.CodeFailedPrecondition, "order: cart %s is empty", c.ID).WithDetail("cart_id", c.ID.String())
	}
	buyer := c.CustomerID
	switch {
	case in.CustomerID.IsZero():
	case buyer.IsZero():
		buyer = in.CustomerID
	case buyer != in.CustomerID:
		return Order{}, commerce.Errorf(commerce.CodePermissionDenied, "order: cart %s belongs to another customer", c.ID).WithDetail("cart_id", c.ID.String())
	}
	t, err := s.carts.PriceItems(ctx, c)
	if err != nil {
		return Order{}, err
	}
	if !t.Purchasable {
		var skus []string
		for _, l := range t.Lines {
			if !l.Purchasable {
				skus = append(skus, l.SKU)
			}
		}
		return Order{}, commerce.Errorf(commerce.CodeFailedPrecondition, "order: cart %s has items that can no longer be bought: %v", c.ID, skus).
			WithDetail("cart_id", c.ID.String()).WithDetail("skus", skus)
	}
	now := s.now()
	o := Order{
		ID: s.opts.IDs.NewOrderID(buyer, c.ID), CustomerID: buyer, Email: in.Email, CartID: c.ID, CartVersion: c.Version,
		Currency: c.Currency, ShippingAddress: in.ShippingAddress, BillingAddress: in.ShippingAddress,
		Status: StatusPending, ReservationID: commerce.NewID[commerce.ReservationID](),
		PaymentMethod: in.PaymentMethod, Capture: s.opts.Capture, IdempotencyKey: in.IdempotencyKey,
		CreatedAt: now, UpdatedAt: now, Version: 1,
		History: []Transition{{To: StatusPending, Actor: ActorSystem, Reason: "checkout", At: now}},
	}
	if in.BillingAddress != nil {
		o.BillingAddress = *in.BillingAddress
	}
	for _, l := range t.Lines {
		line := Line{SKU: l.SKU, Title: l.Title, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Total: l.Total}
		if cl, ok := c.Line(l.LineID); ok {
			line.ProductID, line.VariantID = cl.ProductID, cl.VariantID
		}
		o.Lines = append(o.Lines, line)
	}
	o.Totals.Subtotal = t.Subtotal
	if err := s.applyPromotions(ctx, &o, c.Codes); err != nil {
		return Order{}, err
	}
	if len(in.GiftCards) > 0 {
		if s.opts.GiftCards == nil {
			return Order{}, invalid("gift_cards", "this shop takes no gift cards")
		}
		if o.GiftCards, err = giftCardsFor(in.GiftCards, o.Totals.Total); err != nil {
			return Order{}, err
		}
	}
	if in.ExpectedTotal != nil && *in.ExpectedTotal != o.Totals.Total {
		return Order{}, commerce.Errorf(commerce.CodeFailedPrecondition, "order: the cart now costs %s, not %s", o.Totals.Total, *in.ExpectedTotal).
			WithDetail("field", "expected_total").WithDetail("total", o.Totals.Total.String())
	}
	return o, nil
}

// shipping prices o's shipping, its lines discounted by discount.
func (s *Service) shipping(ctx context.Context, o Order, discount commerce.Money) (commerce.Money, error) {
	zero := commerce.Zero(o.Currency)
	q := Quote{Currency: o.Currency, Lines: o.Lines, Subtotal: o.Totals.Subtotal, Discount: discount, ShippingAddress: o.ShippingAddress, Shipping: zero}
	shipping, err := s.opts.Shipping.Shipping(ctx, q)
	if err != nil {
		return commerce.Money{}, fmt.Errorf("order: shipping: %w", err)
	}
	if err := checkCharge("shipping", shipping, o.Currency); err != nil {
		return commerce.Money{}, err
	}
	return shipping, nil
}

// priceTotals sets o's totals from its subtotal, the discount off its
// lines, and shipping less the discount off it, adding the tax.
func (s *Service) priceTotals(ctx context.Context, o *Order, discount, shipping, shippingDiscount commerce.Money) error {
	subtotal := o.Totals.Subtotal
	shipping, err := shipping.Sub(shippingDiscount)
	if err != nil {
		return err
	}
	q := Quote{Currency: o.Currency, Lines: o.Lines, Subtotal: subtotal, Discount: discount, ShippingAddress: o.ShippingAddress, Shipping: shipping}
	tax, err := s.opts.Tax.Tax(ctx, q)
	if err != nil {
		return fmt.Errorf("order: tax: %w", err)
	}
	if err := checkCharge("tax", tax, o.Currency); err != nil {
		return err
	}
	items, err := subtotal.Sub(discount)
	if err != nil {
		return err
	}
	if items.IsNegative() {
		return commerce.Errorf(commerce.CodeInternal, "order: a discount of %s off a subtotal of %s", discount, subtotal)
	}
	total, err := commerce.Sum(o.Currency, items, shipping, tax)
	if err != nil {
		return err
	}
	o.Totals = Totals{Subtotal: subtotal, Discount: discount, Shipping: shipping, Tax: tax, Total: total}
	return nil
}

func checkCharge(what string, m commerce.Money, c commerce.Currency) error {
	if m.Currency() != c || m.IsNegative() {
		return commerce.Errorf(commerce.CodeInternal, "order: the %s calculator answered %s for an order in %s", what, m, c)
	}
	return nil
}

// advance drives a checkout from wherever its order stands to the end:
// Confirmed (or later), or an error. It is safe to run concurrently for
// one order: every step is idempotent and every status change conditional.
// cards are the checkout's gift cards, whose codes the order does not
// keep.
func (s *Service) advance(ctx context.Context, o Order, cards []GiftCardUse) (Order, error) {
	return s.advanceFrom(ctx, o, cards, payment.Payment{})
}

// advanceFrom is advance for an order whose payment, when recorded has an
// ID, was recorded with it and is sent rather than authorized anew.
func (s *Service) advanceFrom(ctx context.Context, o Order, cards []GiftCardUse, recorded payment.Payment) (Order, error) {
	reserve := func(ctx context.Context, o Order) (Order, error) { return s.reserve(ctx, o, cards) }
	for {
		var (
			next Order
			err  error
		)
		switch o.Status {
		case StatusPending:
			next, err = s.observed(ctx, StepReserve, o, reserve)
		case StatusPaymentPending:
			pay := s.pay
			if recorded.ID != "" {
				// Sent once: after that the payment is the store's, and
				// pay's Authorize finds it by its key.
				p := recorded
				recorded = payment.Payment{}
				pay = func(ctx context.Context, o Order) (Order, error) { return s.sendRecorded(ctx, o, p) }
			}
			next, err = s.observed(ctx, StepPay, o, pay)
		case StatusCancelled:
			if !o.Settled {
				if o, err = s.settle(ctx, o, "checkout failed"); err != nil {
					return o, err
				}
			}
			return o, checkoutFailure(o)
		default:
			return o, nil
		}
		// A step that fails may return no order; keep the one it was given.
		if next.ID != "" {
			o = next
		}
		if err == nil {
			continue
		}
		// Another call (a concurrent retry, another process, recovery)
		// may have moved the order on: continue from where it stands.
		if !errors.Is(err, commerce.ErrFailedPrecondition) && !errors.Is(err, errMovedOn) {
			return o, err
		}
		cur, gerr := s.store.Get(ctx, o.ID)
		switch {
		case gerr == nil && cur.Status != o.Status:
			o = cur
		case errors.Is(err, errMovedOn) && (gerr == nil || errors.Is(gerr, commerce.ErrNotFound)):
			return o, commerce.Errorf(commerce.CodeUnavailable, "order %s: checkout was abandoned and its stock released; check out again", o.ID).
				WithDetail("order_id", o.ID.String())
		default:
			return o, err
		}
	}
}

// errMovedOn reports that a step found its order's saga further along
// (or abandoned) than the order it was given.
var errMovedOn = errors.New("order: moved on")

// checkoutFailure is the error a checkout that ended Cancelled reports,
// also to a repeat with the same key.
func checkoutFailure(o Order) error {
	if o.FailureCode == "" && o.FailureMessage == "" {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "order %s is cancelled", o.ID).WithDetail("order_id", o.ID.String())
	}
	e := commerce.Errorf(commerce.CodePaymentDeclined, "order %s: payment declined: %s", o.ID, o.FailureMessage).
		WithDetail("order_id", o.ID.String()).WithDetail("reason", o.FailureMessage)
	if o.FailureCode != "" {
		e = e.WithDetail("decline_code", o.FailureCode)
	}
	return e
}

// reserve holds the order's stock, the uses of its promotions and its
// gift cards, and moves it to PaymentPending; when stock is short, a
// code's limit is reached or a gift card is refused, it discards the
// order and gives back what it held.
func (s *Service) reserve(ctx context.Context, o Order, cards []GiftCardUse) (Order, error) {
	if s.atomic(o) {
		return s.reserveAtomically(ctx, o)
	}
	res, err := s.stock.Reserve(ctx, o.ReservationID, stockLines(o), s.opts.ReservationTTL)
	switch {
	case errors.Is(err, commerce.ErrOutOfStock):
		if derr := s.discard(ctx, o, "out of stock"); derr != nil {
			return o, errors.Join(err, derr)
		}
		return o, err
	case err != nil:
		return o, err
	case res.Status != inventory.StatusReserved:
		// Deducted: another call completed the checkout. Released or
		// expired: recovery discarded the order while this call stalled.
		return o, errMovedOn
	}
	hold, err := s.reservePromotions(ctx, o, cards)
	if err != nil {
		if !refused(err) {
			return o, err
		}
		// The order cannot be placed as it is: discard it first, so no
		// stalled call moves it on, then give back what it holds.
		if derr := s.discard(ctx, o, "promotion or gift card refused"); derr != nil {
			return o, errors.Join(err, derr)
		}
		if rerr := s.releaseDiscarded(ctx, o); rerr != nil {
			s.log.Warn("order: a discarded order's holds are left to expire", "order_id", o.ID, "error", rerr)
		}
		return o, err
	}
	moved, err := s.move(ctx, o.ID, []Status{StatusPending}, StatusPaymentPending, ActorSystem, "inventory reserved", func(cur *Order) error {
		cur.GiftCards = heldCards(*cur, hold)
		return nil
	}, commerce.Money{})
	if errors.Is(err, commerce.ErrNotFound) {
		// Recovery discarded the order while this call held its
		// promotions: give them back rather than leave them to expire.
		if rerr := s.releaseDiscarded(ctx, o); rerr != nil {
			s.log.Warn("order: a discarded order's holds are left to expire", "order_id", o.ID, "error", rerr)
		}
		return o, errMovedOn
	}
	return moved, err
}

// stockLines are the lines of o's reservation.
func stockLines(o Order) []inventory.Line {
	lines := make([]inventory.Line, len(o.Lines))
	for i, l := range o.Lines {
		lines[i] = inventory.Line{SKU: l.SKU, Quantity: l.Quantity}
	}
	return lines
}

// atomic reports whether o's checkout writes its stock and order changes
// in units of work: when the shop has one (Options.UnitOfWork) and o holds nothing
// outside the stock (no promotion, no gift card), whose holds and
// captures are other services' writes that a unit cannot take in.
func (s *Service) atomic(o Order) bool {
	return s.opts.UnitOfWork != nil && len(o.Promotions) == 0 && len(o.GiftCards) == 0
}

// reserveAtomically is reserve in one unit of work: the reservation and
// the move to PaymentPending (with inventory.reserved and
// order.payment_pending) commit together, so no crash leaves a Pending
// order holding stock. The order is moved first and the stock reserved
// last: the order's row is this checkout's alone, the stock's rows may be
// every buyer's (a hot SKU), so they are locked for the shortest time,
// the reservation's round trip and the COMMIT's. The order store's writes
// commit when the unit ends, so a stock that does not share the unit
// still commits its reservation before the order claims it.
func (s *Service) reserveAtomically(ctx context.Context, o Order) (Order, error) {
	var (
		moved               Order
		moveErr, reserveErr error
	)
	err := s.opts.UnitOfWork.Atomically(ctx, func(ctx context.Context) error {
		if moved, moveErr = s.move(ctx, o.ID, []Status{StatusPending}, StatusPaymentPending, ActorSystem, "inventory reserved", nil, commerce.Money{}); moveErr != nil {
			return moveErr
		}
		var res inventory.Reservation
		if res, reserveErr = s.stock.Reserve(ctx, o.ReservationID, stockLines(o), s.opts.ReservationTTL); reserveErr != nil {
			return reserveErr
		}
		if res.Status != inventory.StatusReserved {
			// Deducted: another call completed the checkout. Released
			// or expired: recovery discarded the order while this call
			// stalled. Either way the move is rolled back.
			return errMovedOn
		}
		return nil
	})
	switch {
	case errors.Is(reserveErr, commerce.ErrOutOfStock):
		if derr := s.discard(ctx, o, "out of stock"); derr != nil {
			return o, errors.Join(reserveErr, derr)
		}
		return o, reserveErr
	case errors.Is(moveErr, commerce.ErrNotFound):
		// Recovery discarded the order: nothing was reserved.
		return o, errMovedOn
	case err != nil:
		return o, err
	}
	return moved, nil
}

// placeAtomically creates the drafted order o already PaymentPending and
// reserves its stock, in one unit of work: the order's insert with
// order.created and order.payment_pending, and the reservation with
// inventory.reserved, commit together or not at all. When the payments
// write in the unit too (PaymentRecorder.InUnit), the order's payment is
// recorded there as well (payment.initiated) and returned, for
// sendRecorded to send once the unit has committed. A checkout that stops
// before the commit leaves nothing to recover; one that committed is the
// order a step-by-step checkout has once it reserved (and recorded its
// payment). The order is inserted first, as in reserveAtomically, so the
// stock's rows are locked for the shortest time, and the insert claims
// the key and the cart version: a concurrent checkout of either waits for
// this unit.
//
// created is false when an order with o's key exists: nothing was
// written, and that order is returned to be continued. Stock short is
// OutOfStock, with nothing written.
func (s *Service) placeAtomically(ctx context.Context, o Order) (_ Order, recorded payment.Payment, created bool, err error) {
	ctx, end := s.observe(ctx, StepReserve)
	defer func() { end(err) }()
	pending := o.Clone()
	placed := o.Clone()
	placed.Status = StatusPaymentPending
	placed.History = append(placed.History, Transition{From: StatusPending, To: StatusPaymentPending, Actor: ActorSystem, Reason: "inventory reserved", At: o.CreatedAt})
	var stored Order
	err = s.opts.UnitOfWork.Atomically(ctx, func(ctx context.Context) error {
		cctx, end := s.observe(ctx, StepCreate)
		var err error
		stored, created, err = s.store.Create(cctx, placed, func(p Order) []commerce.Envelope {
			pending.Number = p.Number
			return []commerce.Envelope{
				transitionEvent(pending, "", ActorSystem, "checkout", commerce.Money{}),
				transitionEvent(p, StatusPending, ActorSystem, "inventory reserved", commerce.Money{}),
			}
		})
		end(err)
		if err != nil {
			return err
		}
		if !created {
			// A repeat: leave the unit, which wrote nothing.
			return errNotPlaced
		}
		res, err := s.stock.Reserve(ctx, o.ReservationID, stockLines(o), s.opts.ReservationTTL)
		if err != nil {
			return err
		}
		if res.Status != inventory.StatusReserved {
			// The reservation's ID is the new order's own: only a
			// collision with another reservation gets here.
			return commerce.Errorf(commerce.CodeUnavailable, "order %s: its reservation %s is already %s; check out again", o.ID, o.ReservationID, res.Status)
		}
		recorded, err = s.recordPayment(ctx, stored)
		return err
	})
	switch {
	case errors.Is(err, errNotPlaced):
		return stored, payment.Payment{}, false, nil
	case err != nil:
		return Order{}, payment.Payment{}, false, err
	}
	return stored, recorded, true, nil
}

// recordPayment records the card payment of o, just placed, in the unit
// of work ctx carries, when the payments write in that unit and o takes
// one. Otherwise it records nothing and returns a zero Payment: pay
// authorizes it after the unit.
func (s *Service) recordPayment(ctx context.Context, o Order) (payment.Payment, error) {
	rec, ok := s.payments.(PaymentRecorder)
	if !ok || !rec.InUnit(ctx) {
		return payment.Payment{}, nil
	}
	in, charge, err := paymentInput(o)
	if err != nil || !charge {
		return payment.Payment{}, err
	}
	p, created, err := rec.Record(ctx, in)
	if err != nil {
		return payment.Payment{}, err
	}
	if !created {
		// The key is the new order's own: only a collision gets here.
		return payment.Payment{}, commerce.Errorf(commerce.CodeUnavailable, "order %s: its payment key is taken; check out again", o.ID)
	}
	return p, nil
}

// errNotPlaced leaves the unit of placeAtomically when the order's key
// was taken.
var errNotPlaced = errors.New("order: not placed")

// refused reports whether err is a promotion or gift card refusing the
// order (a limit reached, a card unknown or short), as opposed to a
// failure worth retrying.
func refused(err error) bool {
	switch commerce.Code(err) {
	case commerce.CodeFailedPrecondition, commerce.CodeInvalidArgument, commerce.CodeNotFound:
		return true
	}
	return false
}

// releaseDiscarded gives back what a discarded order held: its stock,
// its promotions' uses and its gift cards.
func (s *Service) releaseDiscarded(ctx context.Context, o Order) error {
	return errors.Join(s.settleStock(ctx, o), s.releasePromotions(ctx, o, false))
}

// discard removes a Pending order that holds no stock.
func (s *Service) discard(ctx context.Context, o Order, reason string) error {
	err := s.store.Discard(ctx, o.ID, func(cur Order) ([]commerce.Envelope, error) {
		if cur.Status != StatusPending {
			return nil, errTransition(cur, "discarded")
		}
		cur.UpdatedAt = s.now()
		return []commerce.Envelope{commerce.NewEnvelope(cur.ID.String(), cur.UpdatedAt,
			Discarded{Change{Order: cur, From: StatusPending, Actor: ActorSystem, Reason: reason}})}, nil
	})
	if errors.Is(err, commerce.ErrNotFound) {
		return nil
	}
	return err
}

// pay takes the order's payment and, once it is taken, completes the
// order; a declined payment cancels it.
func (s *Service) pay(ctx context.Context, o Order) (Order, error) {
	in, charge, err := paymentInput(o)
	switch {
	case err != nil:
		return o, err
	case !charge:
		return s.complete(ctx, o, payment.Payment{})
	}
	p, err := s.payments.Authorize(ctx, in)
	return s.paid(ctx, o, p, err)
}

// sendRecorded is pay for an order whose payment p was recorded with it
// (placeAtomically): it sends p to the provider and, when the provider
// captured it at once, completes the order in one unit with the
// payment's outcome (completeCaptured).
func (s *Service) sendRecorded(ctx context.Context, o Order, p payment.Payment) (Order, error) {
	rec := s.payments.(PaymentRecorder)
	a, err := rec.Call(ctx, p, paymentDescription(o))
	if err != nil {
		return o, err
	}
	if a.Captured() && s.completesAtomically(o) {
		if confirmed, ok := s.completeCaptured(ctx, o, rec, a); ok {
			return confirmed, nil
		}
	}
	p, err = rec.Conclude(ctx, a)
	return s.paid(ctx, o, p, err)
}

// completesAtomically reports whether complete finishes o in one unit
// (completeAtomically): a unit is at hand, o holds nothing else, and its
// reservation is young, well within its TTL.
func (s *Service) completesAtomically(o Order) bool {
	return s.atomic(o) && s.now().Before(o.UpdatedAt.Add(s.opts.ReservationTTL/2))
}

// completeCaptured is completeAtomically for an order whose payment the
// provider captured in authorization a, not yet recorded: the payment's
// outcome (payment.authorized, payment.captured, payment.completed)
// commits in the unit too, so the money taken, the order Confirmed and
// the stock deducted are durable in one commit. A crash before it leaves
// the order PaymentPending and its payment Processing, as a crash during
// the provider call does, for recovery to reconcile with the provider.
//
// ok is false when the unit did not commit, for whatever reason (the
// payments not in the unit, the payment moved on, the reservation
// lapsed, the order cancelled meanwhile, a database error): nothing of it
// was written, and the caller concludes a on its own and completes the
// order step by step, which handles each of those cases.
func (s *Service) completeCaptured(ctx context.Context, o Order, rec PaymentRecorder, a payment.Authorization) (_ Order, ok bool) {
	if err := s.convertCart(ctx, o); err != nil {
		return o, false
	}
	var confirmed Order
	err := s.opts.UnitOfWork.Atomically(ctx, func(ctx context.Context) error {
		if !rec.InUnit(ctx) {
			return errNotInUnit
		}
		p, err := rec.Conclude(ctx, a)
		if err != nil {
			return err
		}
		// o is the order as this checkout wrote it: confirming from it
		// skips a read, and a change since (recovery, a webhook) fails
		// the unit, for the step-by-step path to handle.
		if confirmed, err = s.confirmSeen(ctx, o, p); err != nil {
			return err
		}
		return s.stock.Deduct(ctx, o.ReservationID)
	})
	if err != nil {
		s.log.DebugContext(ctx, "order: the captured payment did not complete the order in one unit; completing it step by step",
			"order_id", o.ID, "error", err)
		return o, false
	}
	return confirmed, true
}

// errNotInUnit leaves the unit of completeCaptured when the payments do
// not write in it.
var errNotInUnit = errors.New("order: the payments do not write in the unit")

// paid goes on from the authorization of o's payment p, whose call
// returned err: a decline cancels the order, a payment taken completes it.
func (s *Service) paid(ctx context.Context, o Order, p payment.Payment, err error) (Order, error) {
	if errors.Is(err, commerce.ErrPaymentDeclined) {
		return s.fail(ctx, o, p)
	}
	if err != nil {
		return o, err
	}
	return s.complete(ctx, o, p)
}

// paymentInput is the authorization of o's card payment; charge is false
// when gift cards pay the whole order.
func paymentInput(o Order) (_ payment.AuthorizeInput, charge bool, _ error) {
	amount, err := o.CardAmount()
	if err != nil || !amount.IsPositive() {
		return payment.AuthorizeInput{}, false, err
	}
	return payment.AuthorizeInput{
		OrderID: o.ID, Amount: amount, PaymentMethod: o.PaymentMethod,
		IdempotencyKey: paymentKey(o.ID), CaptureNow: o.Capture == CaptureAtCheckout,
		Description: paymentDescription(o),
	}, true, nil
}

// paymentDescription is what the provider shows for o's payment.
func paymentDescription(o Order) string { return fmt.Sprintf("Order %d", o.Number) }

// complete finishes a checkout whose payment p succeeded (p is zero for a
// free order): captures when the capture is due and was not made, deducts
// the stock, converts the cart and confirms the order.
func (s *Service) complete(ctx context.Context, o Order, p payment.Payment) (Order, error) {
	if p.ID != "" && o.Capture == CaptureAtCheckout && p.Status == payment.StatusAuthorized {
		var err error
		if p, err = s.payments.Capture(ctx, p.ID, p.Amount); err != nil {
			return o, err
		}
	}
	if s.completesAtomically(o) {
		return s.completeAtomically(ctx, o, p)
	}
	if err := s.stock.Deduct(ctx, o.ReservationID); err != nil {
		if errors.Is(err, commerce.ErrFailedPrecondition) {
			// The reservation lapsed before the payment was taken: the
			// units may be sold to someone else, so the order cannot be
			// fulfilled. Give the money back.
			return s.abort(ctx, o, "the stock reservation expired before the payment completed", err)
		}
		return o, err
	}
	if err := s.commitPromotions(ctx, o); err != nil {
		if errors.Is(err, commerce.ErrFailedPrecondition) {
			// The holds lapsed: the gift-card money or the code's use
			// may have gone to another order. Give everything back.
			return s.abort(ctx, o, "the gift card or promotion holds expired before the payment completed", err)
		}
		return o, err
	}
	if err := s.convertCart(ctx, o); err != nil {
		return o, err
	}
	confirmed, err := s.confirm(ctx, o, p)
	if err != nil {
		return s.lost(ctx, o, err)
	}
	return confirmed, nil
}

// confirm moves o, whose payment p was taken, to Confirmed.
func (s *Service) confirm(ctx context.Context, o Order, p payment.Payment) (Order, error) {
	return s.move(ctx, o.ID, []Status{StatusPaymentPending}, StatusConfirmed, ActorSystem, reasonPaid, settledBy(p), commerce.Money{})
}

// confirmSeen is confirm from o as the caller holds it (moveFrom): it is
// CodeConflict if the order has moved on since.
func (s *Service) confirmSeen(ctx context.Context, o Order, p payment.Payment) (Order, error) {
	return s.moveFrom(ctx, o, []Status{StatusPaymentPending}, StatusConfirmed, ActorSystem, reasonPaid, settledBy(p), commerce.Money{})
}

// reasonPaid is the reason of an order's confirmation.
const reasonPaid = "payment succeeded"

// settledBy is the change a confirmation makes to an order paid by p (p
// is zero for an order paid without a card).
func settledBy(p payment.Payment) func(*Order) error {
	return func(o *Order) error {
		if p.ID != "" {
			o.PaymentIDs = appendPayment(o.PaymentIDs, p.ID)
		}
		o.Settled = true
		return nil
	}
}

// completeAtomically is complete with the deduction and the confirmation
// in one unit of work: the stock leaves the shelf exactly when the order
// is Confirmed (inventory.deducted and order.confirmed commit together).
// As in reserveAtomically, the order is written first and the stock
// last. The cart is converted before the unit, which must not wait on
// it; complete takes this way only while the reservation is young (well
// within its TTL), so a deduction refused because the reservation lapsed,
// which would leave the cart converted to a cancelled order, is not
// expected here. A recovery long after the payment takes complete's own
// order of steps.
func (s *Service) completeAtomically(ctx context.Context, o Order, p payment.Payment) (Order, error) {
	if err := s.convertCart(ctx, o); err != nil {
		return o, err
	}
	var (
		confirmed             Order
		confirmErr, deductErr error
	)
	err := s.opts.UnitOfWork.Atomically(ctx, func(ctx context.Context) error {
		if confirmed, confirmErr = s.confirm(ctx, o, p); confirmErr != nil {
			return confirmErr
		}
		deductErr = s.stock.Deduct(ctx, o.ReservationID)
		return deductErr
	})
	switch {
	case errors.Is(deductErr, commerce.ErrFailedPrecondition):
		// The unit rolled the confirmation back: the order is still
		// PaymentPending.
		return s.abort(ctx, o, "the stock reservation expired before the payment completed", deductErr)
	case deductErr != nil:
		return o, deductErr
	case confirmErr != nil:
		return s.lost(ctx, o, confirmErr)
	case err != nil:
		return o, err
	}
	return confirmed, nil
}

// convertCart marks the order's cart converted, as of the version the
// order was priced from. A cart changed since (a line added while the
// payment was taken) is not what the order bought: it stays active with
// its lines, and the order completes with what it priced. A cart gone
// (expired) needs nothing either.
func (s *Service) convertCart(ctx context.Context, o Order) error {
	version := o.CartVersion
	if version == 0 {
		// An order recorded before the version was: convert the cart as
		// it stands, as such orders always did.
		c, err := s.carts.Get(ctx, o.CartID)
		if errors.Is(err, commerce.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		version = c.Version
	}
	_, err := s.carts.MarkConverted(ctx, o.CartID, o.ID, version)
	switch {
	case errors.Is(err, cart.ErrChanged):
		s.log.Info("order: the cart changed while its checkout was paid; it stays active with its new lines",
			"order_id", o.ID, "cart_id", o.CartID, "priced_version", version)
		return nil
	case errors.Is(err, commerce.ErrNotFound):
		return nil
	}
	return err
}

func appendPayment(ids []commerce.PaymentID, id commerce.PaymentID) []commerce.PaymentID {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// lost handles a confirmation that failed because the order moved on
// without this call: recovery cancelled it while the payment was in
// flight. The payment just taken must then be given back.
func (s *Service) lost(ctx context.Context, o Order, err error) (Order, error) {
	if !errors.Is(err, commerce.ErrFailedPrecondition) {
		return o, err
	}
	cur, gerr := s.store.Get(ctx, o.ID)
	if gerr != nil || cur.Status != StatusCancelled {
		return o, err
	}
	if _, serr := s.settle(ctx, cur, "the order was cancelled while its payment was taken"); serr != nil {
		return cur, errors.Join(err, serr)
	}
	cur, gerr = s.store.Get(ctx, o.ID)
	if gerr != nil {
		return o, gerr
	}
	return cur, checkoutFailure(cur)
}

// fail cancels a checkout whose payment was declined and releases its
// stock.
func (s *Service) fail(ctx context.Context, o Order, p payment.Payment) (Order, error) {
	cancelled, err := s.move(ctx, o.ID, []Status{StatusPaymentPending}, StatusCancelled, ActorSystem, "payment declined: "+p.FailureMessage, func(o *Order) error {
		o.FailureCode, o.FailureMessage = p.FailureCode, p.FailureMessage
		if o.FailureMessage == "" {
			o.FailureMessage = "the payment was declined"
		}
		if p.ID != "" {
			o.PaymentIDs = appendPayment(o.PaymentIDs, p.ID)
		}
		o.Settled = false
		return nil
	}, commerce.Zero(o.Currency))
	if err != nil {
		return o, err
	}
	settled, err := s.settle(ctx, cancelled, "payment declined")
	if err != nil {
		return cancelled, err
	}
	return settled, checkoutFailure(settled)
}

// abort cancels a PaymentPending order that cannot be fulfilled after
// all, giving back whatever was charged.
func (s *Service) abort(ctx context.Context, o Order, reason string, cause error) (Order, error) {
	refund, err := s.charged(ctx, o)
	if err != nil {
		return o, errors.Join(cause, err)
	}
	cancelled, err := s.move(ctx, o.ID, []Status{StatusPaymentPending}, StatusCancelled, ActorSystem, reason, func(o *Order) error {
		o.Settled = false
		return nil
	}, refund)
	if err != nil {
		return o, errors.Join(cause, err)
	}
	settled, err := s.settle(ctx, cancelled, reason)
	if err != nil {
		return cancelled, err
	}
	return settled, commerce.Errorf(commerce.CodeFailedPrecondition, "order %s: %s; the payment is given back: %w", o.ID, reason, cause).
		WithDetail("order_id", o.ID.String())
}
