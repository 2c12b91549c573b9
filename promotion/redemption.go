package promotion

import (
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// RedemptionStatus is where a redemption is in the checkout saga.
type RedemptionStatus string

// The statuses. Reserved and committed redemptions count against their
// codes' uses and their promotions' budgets; released ones do not.
const (
	RedemptionReserved  RedemptionStatus = "reserved"
	RedemptionCommitted RedemptionStatus = "committed"
	RedemptionReleased  RedemptionStatus = "released"
)

// Counts reports whether a redemption in status s counts against limits.
func (s RedemptionStatus) Counts() bool {
	return s == RedemptionReserved || s == RedemptionCommitted
}

// Redemption is what one order took from the promotions it used: a use
// of each code and a share of each budget. There is at most one per
// order.
type Redemption struct {
	OrderID commerce.OrderID `json:"order_id"`
	// CustomerKey is whose per-customer limits it counts against:
	// "cus:<customer ID>" or "email:<normalized email>"; empty when the
	// order gave neither.
	CustomerKey string           `json:"customer_key,omitempty"`
	Status      RedemptionStatus `json:"status"`
	Lines       []RedemptionLine `json:"lines"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
	// ExpiresAt is when a reserved redemption is released if the
	// checkout never commits it.
	ExpiresAt time.Time `json:"expires_at"`
}

// RedemptionLine is one promotion an order used.
type RedemptionLine struct {
	PromotionID commerce.PromotionID `json:"promotion_id"`
	// Code is empty for an automatic promotion.
	Code string `json:"code,omitempty"`
	// Amount is the line and shipping discount given, which counts
	// against the promotion's Budget.
	Amount commerce.Money `json:"amount"`
}

// Clone returns a deep copy of r.
func (r Redemption) Clone() Redemption {
	r.Lines = slices.Clone(r.Lines)
	return r
}

// ReserveInput is what Service.Reserve takes: the order and the result
// its checkout froze.
type ReserveInput struct {
	OrderID    commerce.OrderID    `json:"order_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	// Email counts a guest's uses for MaxUsesPerCustomer (normalized:
	// trimmed, lower case). Ignored when CustomerID is set.
	Email string `json:"email,omitempty"`
	// Result is what Evaluate returned and the order froze.
	Result Result `json:"result"`
	// TTL is how long the redemption stays reserved without a Commit; 0
	// is Options.DefaultTTL.
	TTL time.Duration `json:"ttl,omitempty"`
}
