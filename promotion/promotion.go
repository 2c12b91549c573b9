package promotion

import (
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Trigger says how a promotion gets into a basket.
type Trigger string

// The triggers.
const (
	// TriggerAutomatic promotions apply to every basket that meets their
	// conditions.
	TriggerAutomatic Trigger = "automatic"
	// TriggerCode promotions apply only when the buyer enters one of
	// their codes (and the basket meets their conditions).
	TriggerCode Trigger = "code"
)

// Valid reports whether t is one of the defined triggers.
func (t Trigger) Valid() bool { return t == TriggerAutomatic || t == TriggerCode }

// Audience says which buyers a promotion is for.
type Audience string

// The audiences. The empty Audience is AudienceAny.
const (
	AudienceAny       Audience = "any"
	AudienceCustomers Audience = "customers" // signed-in customers only
	AudienceGuests    Audience = "guests"    // guests only
)

// Valid reports whether a is one of the defined audiences or empty.
func (a Audience) Valid() bool {
	return a == "" || a == AudienceAny || a == AudienceCustomers || a == AudienceGuests
}

// Conditions are what a basket must meet for a promotion to apply. Every
// set condition must hold; an empty Conditions holds for every basket.
type Conditions struct {
	// MinSubtotal is the least the basket's lines must sum to, before any
	// discount; nil is no minimum. Its currency must be the basket's, so
	// a promotion with a MinSubtotal is for that currency only.
	MinSubtotal *commerce.Money `json:"min_subtotal,omitempty"`
	// SKUs, Categories and Brands select lines: a line matches when its
	// SKU is in SKUs, or its product is in one of Categories (or a
	// category below one), or its product's brand is in Brands. With
	// all three empty every line matches. At least one line must match
	// for the promotion to apply; actions with TargetMatchingLines
	// discount only the matching lines.
	SKUs       []string              `json:"skus,omitempty"`
	Categories []commerce.CategoryID `json:"categories,omitempty"`
	Brands     []commerce.BrandID    `json:"brands,omitempty"`
	// Audience limits the promotion to signed-in customers or to guests.
	Audience Audience `json:"audience,omitempty"`
	// FirstOrderOnly limits the promotion to buyers who have not ordered
	// before (the caller says so in Basket.FirstOrder).
	FirstOrderOnly bool `json:"first_order_only,omitempty"`
	// Currency limits the promotion to baskets in that currency; empty
	// is any currency. Actions with an Amount, a MinSubtotal or a Budget
	// need it set and equal to their currencies.
	Currency commerce.Currency `json:"currency,omitempty"`
}

// Clone returns a deep copy of c.
func (c Conditions) Clone() Conditions {
	c.MinSubtotal = cloneMoney(c.MinSubtotal)
	c.SKUs = slices.Clone(c.SKUs)
	c.Categories = slices.Clone(c.Categories)
	c.Brands = slices.Clone(c.Brands)
	return c
}

// selectsLines reports whether the conditions select lines by SKU,
// category or brand (otherwise every line matches).
func (c Conditions) selectsLines() bool {
	return len(c.SKUs) > 0 || len(c.Categories) > 0 || len(c.Brands) > 0
}

// ActionKind is what an action does.
type ActionKind string

// The action kinds.
const (
	// ActionPercentOff takes BasisPoints (1/100 of a percent, at most
	// 10000) off the target.
	ActionPercentOff ActionKind = "percent_off"
	// ActionAmountOff takes Amount off the target (never more than it).
	ActionAmountOff ActionKind = "amount_off"
	// ActionFixedPrice sells each unit of the matching lines for Amount
	// (units already cheaper are left alone).
	ActionFixedPrice ActionKind = "fixed_price"
	// ActionFreeShipping takes the whole shipping charge off.
	ActionFreeShipping ActionKind = "free_shipping"
	// ActionBuyXGetY: for every BuyQuantity+GetQuantity units of the
	// matching lines, GetQuantity units (the cheapest ones) get
	// GetBasisPoints off (10000 = free).
	ActionBuyXGetY ActionKind = "buy_x_get_y"
)

// Valid reports whether k is one of the defined kinds.
func (k ActionKind) Valid() bool {
	switch k {
	case ActionPercentOff, ActionAmountOff, ActionFixedPrice, ActionFreeShipping, ActionBuyXGetY:
		return true
	}
	return false
}

// Target says what a percent_off or amount_off action discounts.
type Target string

// The targets. The empty Target is TargetOrder.
const (
	// TargetOrder discounts the whole basket: the discount is spread
	// over every line in proportion to its total.
	TargetOrder Target = "order"
	// TargetMatchingLines discounts only the lines the conditions
	// select, spread in proportion to their totals.
	TargetMatchingLines Target = "matching_lines"
)

// Valid reports whether t is one of the defined targets or empty.
func (t Target) Valid() bool { return t == "" || t == TargetOrder || t == TargetMatchingLines }

// MaxBasisPoints is 100%: no discount rate may exceed it.
const MaxBasisPoints = 10000

// Action is one thing a promotion does to a basket. Which fields matter
// depends on Kind; the others must be zero.
type Action struct {
	Kind ActionKind `json:"kind"`
	// Target of percent_off and amount_off; fixed_price and buy_x_get_y
	// always act on matching lines, free_shipping on shipping.
	Target Target `json:"target,omitempty"`
	// BasisPoints of percent_off: 1..10000.
	BasisPoints int64 `json:"basis_points,omitempty"`
	// Amount of amount_off (positive) and fixed_price (zero or more), in
	// the promotion's currency.
	Amount *commerce.Money `json:"amount,omitempty"`
	// BuyQuantity, GetQuantity (both at least 1) and GetBasisPoints
	// (1..10000) of buy_x_get_y.
	BuyQuantity    int   `json:"buy_quantity,omitempty"`
	GetQuantity    int   `json:"get_quantity,omitempty"`
	GetBasisPoints int64 `json:"get_basis_points,omitempty"`
}

// Clone returns a deep copy of a.
func (a Action) Clone() Action {
	a.Amount = cloneMoney(a.Amount)
	return a
}

// Promotion is a discount rule: when a basket meets its Conditions, its
// Actions discount the basket.
type Promotion struct {
	ID          commerce.PromotionID `json:"id"`
	Name        string               `json:"name"`
	Description string               `json:"description,omitempty"`
	Trigger     Trigger              `json:"trigger"`
	Conditions  Conditions           `json:"conditions"`
	Actions     []Action             `json:"actions"`
	// Exclusive promotions apply alone: when the best exclusive
	// promotion (by Priority) applies, no other does. Combinable ones
	// apply together, in Priority order, each on what the previous left.
	Exclusive bool `json:"exclusive,omitempty"`
	// Priority orders promotions: higher first; ties by ID.
	Priority int `json:"priority,omitempty"`
	// Budget caps the total discount (line and shipping) that reserved
	// and committed redemptions may give; nil is no cap. Its currency is
	// the promotion's Conditions.Currency.
	Budget *commerce.Money `json:"budget,omitempty"`
	// Spent is the discount that reserved and committed redemptions hold
	// of the Budget (read-only; the store keeps it). It is set exactly
	// when Budget is, in the Budget's currency. A promotion's currency
	// cannot change, so neither can Spent's.
	Spent *commerce.Money `json:"spent,omitempty"`
	// StartsAt and EndsAt bound when the promotion applies: from StartsAt
	// (inclusive) to EndsAt (exclusive); nil is unbounded.
	StartsAt *time.Time `json:"starts_at,omitempty"`
	EndsAt   *time.Time `json:"ends_at,omitempty"`
	Active   bool       `json:"active"`
	// Version increases with every change; UpdatePromotion may require
	// the version the caller read.
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Clone returns a deep copy of p, so a store can hand out promotions its
// callers may modify.
func (p Promotion) Clone() Promotion {
	p.Conditions = p.Conditions.Clone()
	p.Actions = slices.Clone(p.Actions)
	for i := range p.Actions {
		p.Actions[i] = p.Actions[i].Clone()
	}
	p.Budget = cloneMoney(p.Budget)
	p.Spent = cloneMoney(p.Spent)
	p.StartsAt = cloneTime(p.StartsAt)
	p.EndsAt = cloneTime(p.EndsAt)
	return p
}

// Live reports whether p is active and now is inside its date window.
func (p Promotion) Live(now time.Time) bool {
	return p.Active && p.window(now) == ""
}

// window returns "" when now is inside p's date window, else the Rejected
// reason that says which side it is on.
func (p Promotion) window(now time.Time) RejectReason {
	switch {
	case p.StartsAt != nil && now.Before(*p.StartsAt):
		return ReasonNotStarted
	case p.EndsAt != nil && !now.Before(*p.EndsAt):
		return ReasonExpired
	}
	return ""
}

// Code is a coupon code that unlocks a TriggerCode promotion.
type Code struct {
	// Code is the text the buyer enters, normalized (see NormalizeCode).
	Code        string               `json:"code"`
	PromotionID commerce.PromotionID `json:"promotion_id"`
	// MaxUses caps the redemptions of this code that are reserved or
	// committed at once; 0 is unlimited.
	MaxUses int `json:"max_uses,omitempty"`
	// MaxUsesPerCustomer caps them per buyer (a customer by ID, a guest
	// by normalized email); 0 is unlimited.
	MaxUsesPerCustomer int `json:"max_uses_per_customer,omitempty"`
	// Uses counts the redemptions reserved or committed (read-only; the
	// store keeps it). A released redemption gives its use back.
	Uses      int       `json:"uses"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func cloneMoney(m *commerce.Money) *commerce.Money {
	if m == nil {
		return nil
	}
	v := *m
	return &v
}

func cloneTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := *t
	return &v
}
