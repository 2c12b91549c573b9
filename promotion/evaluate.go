package promotion

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Evaluate works out which promotions apply to b and what they take off,
// without writing anything. Automatic promotions that are live and whose
// conditions b meets apply; so do the promotions behind b.Codes, and each
// code that does not is listed in Result.Rejected with its reason
// (unknown, inactive, not_started, expired, exhausted, budget, currency,
// conditions, not_combinable, duplicate, no_discount). A rejected code is
// not an error. Limits are read without locks here: Reserve is what
// enforces them.
//
// Stacking: promotions are taken by Priority (higher first, then codes
// before automatic ones, then by ID). If the first that applies is
// Exclusive it applies alone; otherwise every combinable one applies, each
// on what the previous ones left of each line, and exclusive ones are
// skipped (not_combinable).
//
// Money: each promotion's line discount is spread across the lines it
// targets with commerce.Money.Allocate in proportion to what is left of
// each line, so the shares sum to its discount exactly and no line is
// discounted below zero; Result.Discount is the sum of Result.LineDiscounts.
// Shipping discounts never exceed b.Shipping. Percentages round half up.
//
// Bad input is InvalidArgument naming its field: an unknown currency
// ("currency"), no lines or more than MaxBasketLines ("lines"), a line
// with an empty SKU, a quantity below 1, a price in another currency or
// negative, or a total other than price × quantity ("lines[i]...."),
// a negative shipping charge or one in another currency ("shipping"),
// more than MaxBasketCodes codes ("codes"), a malformed customer ID or
// email ("customer_id", "email"). Store failures are returned as they are.
func (s *Service) Evaluate(ctx context.Context, b Basket) (Result, error) {
	totals, err := validateBasket(&b)
	if err != nil {
		return Result{}, err
	}
	now := s.now()
	res := Result{Currency: b.Currency, Applied: []Applied{}, Rejected: []Rejected{}}

	// The candidates: live automatic promotions, then the entered codes.
	autos, err := s.store.AutomaticPromotions(ctx, now)
	if err != nil {
		return Result{}, err
	}
	var cands []candidate
	for _, p := range autos {
		if p.Live(now) && p.Trigger == TriggerAutomatic && currencyFits(p, b.Currency) && !budgetSpent(p) {
			cands = append(cands, candidate{promo: p})
		}
	}
	codeCands, rejected, err := s.codeCandidates(ctx, b, now)
	if err != nil {
		return Result{}, err
	}
	res.Rejected = append(res.Rejected, rejected...)
	cands = append(cands, codeCands...)

	// Conditions.
	m := &matcher{svc: s, basket: &b, totals: totals}
	var ready []candidate
	for _, c := range cands {
		mask, ok, err := m.meets(ctx, c.promo)
		if err != nil {
			return Result{}, err
		}
		if !ok {
			if c.code != "" {
				res.Rejected = append(res.Rejected, rejectf(c.code, ReasonConditions, "Your basket does not meet the conditions of code %s.", c.code))
			}
			continue
		}
		c.matching = mask
		ready = append(ready, c)
	}
	slices.SortFunc(ready, func(x, y candidate) int {
		if c := cmp.Compare(y.promo.Priority, x.promo.Priority); c != 0 {
			return c
		}
		if (x.code == "") != (y.code == "") {
			if x.code != "" {
				return -1
			}
			return 1
		}
		return strings.Compare(string(x.promo.ID), string(y.promo.ID))
	})

	// Stacking, on what is left of each line.
	left := slices.Clone(totals)
	shippingLeft := b.Shipping.Amount()
	exclusiveWon, combined := false, false
	for _, c := range ready {
		if exclusiveWon || (combined && c.promo.Exclusive) {
			if c.code != "" {
				res.Rejected = append(res.Rejected, rejectf(c.code, ReasonNotCombinable, "Code %s cannot be combined with the promotions already applied.", c.code))
			}
			continue
		}
		lines, ship := applyActions(c.promo, c.matching, b, left, shippingLeft)
		var sum int64
		for _, d := range lines {
			sum += d
		}
		if sum == 0 && ship == 0 {
			if c.code != "" {
				res.Rejected = append(res.Rejected, rejectf(c.code, ReasonNoDiscount, "Code %s takes nothing off this basket.", c.code))
			}
			continue
		}
		a := Applied{PromotionID: c.promo.ID, Name: c.promo.Name, Code: c.code,
			Discount: money(sum, b.Currency), ShippingDiscount: money(ship, b.Currency),
			LineDiscounts: make([]commerce.Money, len(lines))}
		for i, d := range lines {
			a.LineDiscounts[i] = money(d, b.Currency)
			left[i] -= d
		}
		shippingLeft -= ship
		res.Applied = append(res.Applied, a)
		if c.promo.Exclusive {
			exclusiveWon = true
		} else {
			combined = true
		}
	}

	res.LineDiscounts = make([]commerce.Money, len(totals))
	var total int64
	for i := range totals {
		d := totals[i] - left[i]
		res.LineDiscounts[i] = money(d, b.Currency)
		total += d
	}
	res.Discount = money(total, b.Currency)
	res.ShippingDiscount = money(b.Shipping.Amount()-shippingLeft, b.Currency)
	return res, nil
}

// candidate is a promotion that may apply, with the code that brought it
// (empty for an automatic one) and, once its conditions hold, its
// matching lines.
type candidate struct {
	promo    Promotion
	code     string
	matching []bool
}

// codeCandidates looks the entered codes up and returns the promotions
// they unlock and the codes rejected before conditions are looked at.
func (s *Service) codeCandidates(ctx context.Context, b Basket, now time.Time) ([]candidate, []Rejected, error) {
	var rejected []Rejected
	var entered []string
	seen := map[string]bool{}
	for _, raw := range b.Codes {
		code, err := NormalizeCode(raw)
		if err != nil {
			shown := strings.TrimSpace(raw)
			if !seen["\x00"+shown] {
				seen["\x00"+shown] = true
				rejected = append(rejected, rejectf(trunc(shown), ReasonUnknown, "There is no code %s.", trunc(shown)))
			}
			continue
		}
		if !seen[code] {
			seen[code] = true
			entered = append(entered, code)
		}
	}
	if len(entered) == 0 {
		return nil, rejected, nil
	}
	codes, err := s.store.Codes(ctx, entered)
	if err != nil {
		return nil, nil, err
	}
	byCode := make(map[string]Code, len(codes))
	var ids []commerce.PromotionID
	for _, c := range codes {
		byCode[c.Code] = c
		ids = append(ids, c.PromotionID)
	}
	promos := map[commerce.PromotionID]Promotion{}
	if len(ids) > 0 {
		found, err := s.store.Promotions(ctx, ids)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range found {
			promos[p.ID] = p
		}
	}
	var customerUses map[string]int
	if key := customerKey(b.CustomerID, b.Email); key != "" {
		if customerUses, err = s.store.CustomerUses(ctx, key, entered); err != nil {
			return nil, nil, err
		}
	}
	var out []candidate
	taken := map[commerce.PromotionID]string{}
	for _, code := range entered {
		c, ok := byCode[code]
		p, pok := promos[c.PromotionID]
		var r RejectReason
		switch {
		case !ok || !pok:
			r = ReasonUnknown
		case !c.Active || !p.Active || p.Trigger != TriggerCode:
			r = ReasonInactive
		case p.window(now) != "":
			r = p.window(now)
		case !currencyFits(p, b.Currency):
			r = ReasonCurrency
		case c.MaxUses > 0 && c.Uses >= c.MaxUses,
			c.MaxUsesPerCustomer > 0 && customerUses[code] >= c.MaxUsesPerCustomer:
			r = ReasonExhausted
		case budgetSpent(p):
			r = ReasonBudget
		case taken[p.ID] != "":
			r = ReasonDuplicate
		}
		if r != "" {
			rejected = append(rejected, reject(code, r))
			continue
		}
		taken[p.ID] = code
		out = append(out, candidate{promo: p, code: code})
	}
	return out, rejected, nil
}

// reasonMessages are the sentences shown for the reasons that need no
// more than the code.
var reasonMessages = map[RejectReason]string{
	ReasonUnknown:    "There is no code %s.",
	ReasonInactive:   "Code %s is no longer valid.",
	ReasonNotStarted: "Code %s is not valid yet.",
	ReasonExpired:    "Code %s has expired.",
	ReasonCurrency:   "Code %s is not valid in this currency.",
	ReasonExhausted:  "Code %s has been used up.",
	ReasonBudget:     "Code %s has been used up.",
	ReasonDuplicate:  "Code %s gives the same promotion as another code you entered.",
}

func reject(code string, r RejectReason) Rejected {
	return rejectf(code, r, reasonMessages[r], code)
}

func rejectf(code string, r RejectReason, format string, args ...any) Rejected {
	return Rejected{Code: code, Reason: r, Message: fmt.Sprintf(format, args...)}
}

func currencyFits(p Promotion, c commerce.Currency) bool {
	return p.Conditions.Currency == "" || p.Conditions.Currency == c
}

func budgetSpent(p Promotion) bool {
	return p.Budget != nil && p.Spent != nil && p.Spent.Amount() >= p.Budget.Amount()
}

// money builds an amount in a currency validateBasket checked.
func money(amount int64, c commerce.Currency) commerce.Money {
	m, _ := commerce.NewMoney(amount, c)
	return m
}

// validateBasket checks b, normalizes its zero shipping, and returns each
// line's total in minor units.
func validateBasket(b *Basket) ([]int64, error) {
	if !b.Currency.Valid() {
		return nil, invalid("currency", "unknown currency %q", trunc(string(b.Currency)))
	}
	if b.CustomerID != "" {
		if err := b.CustomerID.Validate(); err != nil {
			return nil, invalid("customer_id", "malformed customer ID")
		}
	}
	if _, err := customerKeyOf(b.CustomerID, b.Email); err != nil {
		return nil, err
	}
	if len(b.Lines) == 0 || len(b.Lines) > MaxBasketLines {
		return nil, invalid("lines", "a basket has 1 to %d lines", MaxBasketLines)
	}
	if len(b.Codes) > MaxBasketCodes {
		return nil, invalid("codes", "at most %d codes", MaxBasketCodes)
	}
	if b.Shipping == (commerce.Money{}) {
		b.Shipping = commerce.Zero(b.Currency)
	}
	if b.Shipping.Currency() != b.Currency || b.Shipping.IsNegative() {
		return nil, invalid("shipping", "shipping must be zero or more, in %s", b.Currency)
	}
	totals := make([]int64, len(b.Lines))
	sum := commerce.Zero(b.Currency)
	for i, l := range b.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		switch {
		case strings.TrimSpace(l.SKU) == "":
			return nil, invalid(field+".sku", "a line needs a SKU")
		case l.Quantity < 1:
			return nil, invalid(field+".quantity", "quantity must be at least 1")
		case l.UnitPrice.Currency() != b.Currency || l.UnitPrice.IsNegative():
			return nil, invalid(field+".unit_price", "unit price must be zero or more, in %s", b.Currency)
		}
		if l.ProductID != "" {
			if err := l.ProductID.Validate(); err != nil {
				return nil, invalid(field+".product_id", "malformed product ID")
			}
		}
		want, err := l.UnitPrice.Mul(int64(l.Quantity))
		if err != nil || l.Total != want {
			return nil, invalid(field+".total", "total must be unit price × quantity")
		}
		if sum, err = sum.Add(want); err != nil {
			return nil, invalid("lines", "the lines' total overflows")
		}
		totals[i] = want.Amount()
	}
	return totals, nil
}
