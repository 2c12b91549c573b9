package order

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/oklog/ulid/v2"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// Promotions is what checkout needs of promotions: *promotion.Service
// implements it, and an RPC client may across the network.
//
// Evaluate reads and never writes (see promotion.Service.Evaluate).
// Reserve takes the uses of codes and the shares of budgets an order's
// frozen promotions need, idempotently per order: a limit that would be
// passed is FailedPrecondition naming the code in Details["code"].
// Commit makes a reservation final and Release gives it back (also after
// Commit); both are idempotent, and Release of an order that reserved
// nothing succeeds. A reservation neither committed nor released is
// released by the promotion service when its TTL passes.
type Promotions interface {
	Evaluate(ctx context.Context, b promotion.Basket) (promotion.Result, error)
	Reserve(ctx context.Context, in promotion.ReserveInput) (promotion.Redemption, error)
	Commit(ctx context.Context, orderID commerce.OrderID) error
	Release(ctx context.Context, orderID commerce.OrderID) error
}

// GiftCards is what checkout needs of gift cards: *promotion.Service
// implements it.
//
// HoldGiftCards debits the cards for an order, all or nothing and
// idempotently per order: an unknown card is InvalidArgument naming
// "gift_cards[i].code", a balance too small FailedPrecondition.
// CaptureGiftCards makes the holds final; ReleaseGiftCards gives a held
// debit back, or credits a captured one back in full less what refunds
// credited already; both are idempotent, and releasing an order that
// held nothing succeeds. RefundGiftCards credits up to amount back to the
// order's captured cards once per key and returns what it credited.
// Holds neither captured nor released are released when their TTL
// passes.
type GiftCards interface {
	HoldGiftCards(ctx context.Context, in promotion.HoldInput) ([]promotion.GiftCardHold, error)
	CaptureGiftCards(ctx context.Context, orderID commerce.OrderID) error
	ReleaseGiftCards(ctx context.Context, orderID commerce.OrderID) error
	RefundGiftCards(ctx context.Context, orderID commerce.OrderID, refundID commerce.RefundID, amount commerce.Money) (commerce.Money, error)
}

// GiftCardUse is one gift card a checkout pays with: its code and the
// most it may take. Cards are used in the order given, each for what is
// left to pay up to its Amount; a card not needed is not used.
type GiftCardUse struct {
	Code   string         `json:"code"`
	Amount commerce.Money `json:"amount"`
}

// MaxGiftCards bounds the gift cards one checkout pays with.
const MaxGiftCards = 5

// validateGiftCards checks the shape of a checkout's gift cards; their
// currency is checked against the cart's once it is read.
func validateGiftCards(uses []GiftCardUse) error {
	if len(uses) > MaxGiftCards {
		return invalid("gift_cards", "at most %d gift cards", MaxGiftCards)
	}
	seen := map[string]bool{}
	for i, u := range uses {
		field := fmt.Sprintf("gift_cards[%d]", i)
		code := strings.ToUpper(strings.TrimSpace(u.Code))
		if code == "" || len(u.Code) > 200 {
			return invalid(field+".code", "a gift card code is required")
		}
		if seen[code] {
			return invalid(field+".code", "the gift card is named twice")
		}
		seen[code] = true
		if !u.Amount.IsPositive() {
			return invalid(field+".amount", "the amount must be positive")
		}
	}
	return nil
}

// giftCardsFor returns the gift cards that pay order total: each card in
// turn for what is left to pay, up to its amount. uses have been
// validated.
func giftCardsFor(uses []GiftCardUse, total commerce.Money) ([]GiftCard, error) {
	var out []GiftCard
	left := total
	for i, u := range uses {
		if u.Amount.Currency() != total.Currency() {
			return nil, invalid(fmt.Sprintf("gift_cards[%d].amount", i), "the amount must be in the cart's currency %s", total.Currency())
		}
		if !left.IsPositive() {
			break
		}
		amount := minMoney(u.Amount, left)
		out = append(out, GiftCard{Amount: amount})
		var err error
		if left, err = left.Sub(amount); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// giftCardUses are the holds an order's gift cards ask for, given the
// codes of the checkout: the codes, in order, with the order's amounts.
func giftCardUses(o Order, uses []GiftCardUse) []promotion.GiftCardUse {
	out := make([]promotion.GiftCardUse, 0, len(o.GiftCards))
	for i, g := range o.GiftCards {
		if i >= len(uses) {
			break
		}
		out = append(out, promotion.GiftCardUse{Code: uses[i].Code, Amount: g.Amount})
	}
	return out
}

// sameGiftCards reports whether a checkout's gift cards are those order o
// was made with, as far as the order can tell without the codes: the
// amounts they pay of the total o has. (The promotion service refuses
// other cards for the order: its holds are per order.)
func sameGiftCards(o Order, uses []GiftCardUse) bool {
	if len(uses) == 0 || o.Totals.Total.Currency() == "" {
		return len(o.GiftCards) == 0
	}
	want, err := giftCardsFor(uses, o.Totals.Total)
	if err != nil || len(want) != len(o.GiftCards) {
		return false
	}
	for i, g := range o.GiftCards {
		if g.Amount != want[i].Amount {
			return false
		}
	}
	return true
}

// giftRefundID is the ID of the gift-card refund an order makes under
// key: the same key, the same ID, so a retried refund credits once. It
// is a ULID stamped with the order's creation and drawn from the key's
// hash.
func giftRefundID(o Order, key string) commerce.RefundID {
	sum := sha256.Sum256([]byte(key))
	u, err := ulid.New(ulid.Timestamp(o.CreatedAt), bytes.NewReader(sum[:]))
	if err != nil {
		// Only a time beyond ULID's range fails: the IDs stay per key.
		u, _ = ulid.New(0, bytes.NewReader(sum[:]))
	}
	return commerce.RefundID(commerce.RefundKind{}.IDPrefix() + "_" + u.String())
}

// firstOrder reports whether buyer has no order yet. A guest cannot be
// told apart from a new buyer: promotions for first orders only that
// must not reach guests say so with their audience.
func (s *Service) firstOrder(ctx context.Context, buyer commerce.CustomerID) (bool, error) {
	if buyer.IsZero() {
		return true, nil
	}
	page, err := s.store.List(ctx, ListFilter{CustomerID: buyer}, commerce.PageRequest{Limit: 1})
	if err != nil {
		return false, err
	}
	return len(page.Items) == 0, nil
}

// applyPromotions evaluates the cart's codes and the automatic
// promotions for draft order o, whose lines and subtotal are set, freezes
// what they give on o (the promotions and each line's discount) and
// prices its totals. Codes refused because a limit is reached are
// FailedPrecondition naming the code; codes refused for other reasons
// give nothing, and the buyer, who saw why in the cart, pays without
// them.
func (s *Service) applyPromotions(ctx context.Context, o *Order, codes []string) error {
	zero := commerce.Zero(o.Currency)
	for i := range o.Lines {
		o.Lines[i].Discount = zero
	}
	o.Promotions = nil
	if s.opts.Promotions == nil {
		shipping, err := s.shipping(ctx, *o, zero)
		if err != nil {
			return err
		}
		return s.priceTotals(ctx, o, zero, shipping, zero)
	}
	first, err := s.firstOrder(ctx, o.CustomerID)
	if err != nil {
		return err
	}
	b := promotion.Basket{Currency: o.Currency, CustomerID: o.CustomerID, Email: o.Email, FirstOrder: first, Codes: slices.Clone(codes)}
	for _, l := range o.Lines {
		b.Lines = append(b.Lines, promotion.BasketLine{SKU: l.SKU, ProductID: l.ProductID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, Total: l.Total})
	}
	// Shipping may depend on the discount (free over an amount) and the
	// discount on shipping (free shipping): price shipping before
	// discounts, evaluate with it, and evaluate again only if the
	// discount changed the shipping. Line discounts never depend on
	// shipping, so this settles.
	if b.Shipping, err = s.shipping(ctx, *o, zero); err != nil {
		return err
	}
	r, err := s.evaluate(ctx, b)
	if err != nil {
		return err
	}
	shipping, err := s.shipping(ctx, *o, r.Discount)
	if err != nil {
		return err
	}
	if shipping != b.Shipping {
		b.Shipping = shipping
		again, err := s.evaluate(ctx, b)
		if err != nil {
			return err
		}
		if again.Discount != r.Discount {
			return commerce.Errorf(commerce.CodeUnavailable, "order: the promotions changed while the order was priced; try again")
		}
		r = again
	}
	if c, err := r.ShippingDiscount.Cmp(shipping); err != nil || c > 0 || r.ShippingDiscount.IsNegative() {
		return commerce.Errorf(commerce.CodeInternal, "order: promotions took %s off shipping of %s", r.ShippingDiscount, shipping)
	}
	if err := freeze(o, r); err != nil {
		return err
	}
	return s.priceTotals(ctx, o, r.Discount, shipping, r.ShippingDiscount)
}

func (s *Service) evaluate(ctx context.Context, b promotion.Basket) (promotion.Result, error) {
	r, err := s.opts.Promotions.Evaluate(ctx, b)
	if err != nil {
		return promotion.Result{}, fmt.Errorf("order: promotions: %w", err)
	}
	for _, rj := range r.Rejected {
		if rj.Reason == promotion.ReasonExhausted || rj.Reason == promotion.ReasonBudget {
			return promotion.Result{}, errLimit(rj.Code, rj.Reason, rj.Message)
		}
	}
	if len(r.LineDiscounts) != len(b.Lines) {
		return promotion.Result{}, commerce.Errorf(commerce.CodeInternal, "order: promotions answered %d line discounts for %d lines", len(r.LineDiscounts), len(b.Lines))
	}
	return r, nil
}

// errLimit is the error of a code whose uses or budget are taken.
func errLimit(code string, reason promotion.RejectReason, msg string) error {
	if msg == "" {
		msg = "its limit is reached"
	}
	return commerce.Errorf(commerce.CodeFailedPrecondition, "order: code %s cannot be used: %s", code, msg).
		WithDetail("field", "codes").WithDetail("code", code).WithDetail("reason", string(reason))
}

// freeze records result r on o: its promotions and each line's share.
func freeze(o *Order, r promotion.Result) error {
	for i, d := range r.LineDiscounts {
		if d.Currency() != o.Currency || d.IsNegative() {
			return commerce.Errorf(commerce.CodeInternal, "order: promotions answered a discount of %s for a line in %s", d, o.Currency)
		}
		if c, err := d.Cmp(o.Lines[i].Total); err != nil || c > 0 {
			return commerce.Errorf(commerce.CodeInternal, "order: promotions took %s off a line of %s", d, o.Lines[i].Total)
		}
		o.Lines[i].Discount = d
	}
	o.Promotions = nil
	for _, a := range r.Applied {
		a.LineDiscounts = slices.Clone(a.LineDiscounts)
		o.Promotions = append(o.Promotions, a)
	}
	return nil
}

// Codes are the codes of the order's promotions.
func (o Order) Codes() []string {
	var out []string
	for _, p := range o.Promotions {
		if p.Code != "" {
			out = append(out, p.Code)
		}
	}
	return out
}

// frozenResult is the result the order froze, as Reserve takes it.
func frozenResult(o Order) promotion.Result {
	r := promotion.Result{Currency: o.Currency, Applied: o.Promotions, Discount: o.Totals.Discount, ShippingDiscount: commerce.Zero(o.Currency)}
	for _, l := range o.Lines {
		r.LineDiscounts = append(r.LineDiscounts, l.Discount)
	}
	for _, p := range o.Promotions {
		if sum, err := r.ShippingDiscount.Add(p.ShippingDiscount); err == nil {
			r.ShippingDiscount = sum
		}
	}
	return r
}

// reservePromotions reserves the uses and budgets of o's promotions and
// holds its gift cards (with the checkout's codes, uses), returning the
// holds. A limit reached or a card refused is returned as it is.
func (s *Service) reservePromotions(ctx context.Context, o Order, uses []GiftCardUse) ([]promotion.GiftCardHold, error) {
	var hold []promotion.GiftCardHold
	if len(o.Promotions) > 0 {
		if s.opts.Promotions == nil {
			return hold, commerce.Errorf(commerce.CodeFailedPrecondition, "order %s has promotions but the service has none configured", o.ID)
		}
		if _, err := s.opts.Promotions.Reserve(ctx, promotion.ReserveInput{
			OrderID: o.ID, CustomerID: o.CustomerID, Email: o.Email, Result: frozenResult(o), TTL: s.opts.ReservationTTL,
		}); err != nil {
			return hold, err
		}
	}
	if len(o.GiftCards) > 0 {
		if s.opts.GiftCards == nil {
			return hold, commerce.Errorf(commerce.CodeFailedPrecondition, "order %s is paid with gift cards but the service takes none", o.ID)
		}
		if len(uses) < len(o.GiftCards) {
			// A call that does not know the codes (not the checkout that
			// made the order) cannot hold the cards.
			return hold, commerce.Errorf(commerce.CodeUnavailable, "order %s: its gift cards can be held only by its checkout", o.ID)
		}
		var err error
		if hold, err = s.opts.GiftCards.HoldGiftCards(ctx, promotion.HoldInput{OrderID: o.ID, Uses: giftCardUses(o, uses), TTL: s.opts.ReservationTTL}); err != nil {
			return hold, err
		}
	}
	return hold, nil
}

// heldCards returns o's gift cards with the cards and hints of holds, in
// the order the cards were named.
func heldCards(o Order, holds []promotion.GiftCardHold) []GiftCard {
	if len(o.GiftCards) == 0 {
		return nil
	}
	out := slices.Clone(o.GiftCards)
	for i := range out {
		if i < len(holds) {
			out[i].GiftCardID, out[i].Hint = holds[i].GiftCardID, holds[i].Hint
		}
	}
	return out
}

// commitPromotions captures o's gift cards and commits its promotions'
// uses, once its payment is taken.
func (s *Service) commitPromotions(ctx context.Context, o Order) error {
	if len(o.GiftCards) > 0 && s.opts.GiftCards != nil {
		if err := s.opts.GiftCards.CaptureGiftCards(ctx, o.ID); err != nil {
			return err
		}
	}
	if len(o.Promotions) > 0 && s.opts.Promotions != nil {
		if err := s.opts.Promotions.Commit(ctx, o.ID); err != nil {
			return err
		}
	}
	return nil
}

// releasePromotions gives back what o's promotions and gift cards hold:
// the uses and budgets, and the gift-card money (credited back in full,
// less what returns refunded). keepUses keeps the promotions' uses, as
// an order returned and refunded used its codes.
func (s *Service) releasePromotions(ctx context.Context, o Order, keepUses bool) error {
	var errs []error
	if len(o.GiftCards) > 0 && s.opts.GiftCards != nil {
		if err := s.opts.GiftCards.ReleaseGiftCards(ctx, o.ID); err != nil && !errors.Is(err, commerce.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	if !keepUses && len(o.Promotions) > 0 && s.opts.Promotions != nil {
		if err := s.opts.Promotions.Release(ctx, o.ID); err != nil && !errors.Is(err, commerce.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
