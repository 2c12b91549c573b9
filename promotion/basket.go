package promotion

import (
	"github.com/mercatohq/mercato/commerce"
)

// MaxBasketLines and MaxBasketCodes bound what one Evaluate call takes.
const (
	MaxBasketLines = 500
	MaxBasketCodes = 10
)

// Basket is what Evaluate prices: the lines of a cart or an order being
// checked out, who is buying and the codes they entered.
type Basket struct {
	Currency commerce.Currency `json:"currency"`
	// CustomerID is empty for a guest.
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	// Email, for a guest, lets evaluation see the guest's uses of codes
	// limited per customer (Reserve counts them in any case). Ignored
	// when CustomerID is set.
	Email string `json:"email,omitempty"`
	// FirstOrder says the buyer has never ordered before; the caller
	// knows, the promotion service does not.
	FirstOrder bool         `json:"first_order,omitempty"`
	Lines      []BasketLine `json:"lines"`
	// Shipping is the shipping charge before discounts; zero when not
	// known yet (free_shipping then discounts nothing).
	Shipping commerce.Money `json:"shipping"`
	// Codes are the codes the buyer entered, in the order entered.
	// Case and surrounding spaces do not matter; a repeated code counts
	// once.
	Codes []string `json:"codes,omitempty"`
}

// BasketLine is one line of a Basket.
type BasketLine struct {
	SKU       string             `json:"sku"`
	ProductID commerce.ProductID `json:"product_id,omitempty"`
	Quantity  int                `json:"quantity"`
	UnitPrice commerce.Money     `json:"unit_price"`
	// Total is UnitPrice × Quantity (Evaluate checks it), what the line
	// costs before discounts.
	Total commerce.Money `json:"total"`
}

// RejectReason says, in a stable machine-readable word, why a code was
// not applied.
type RejectReason string

// The reasons. Clients may switch on them; they never change meaning.
const (
	ReasonUnknown       RejectReason = "unknown"        // no such code
	ReasonInactive      RejectReason = "inactive"       // the code or its promotion is switched off
	ReasonNotStarted    RejectReason = "not_started"    // before the promotion's StartsAt
	ReasonExpired       RejectReason = "expired"        // at or after the promotion's EndsAt
	ReasonExhausted     RejectReason = "exhausted"      // the code's uses (overall or the buyer's) are all taken
	ReasonBudget        RejectReason = "budget"         // the campaign budget is spent
	ReasonCurrency      RejectReason = "currency"       // the promotion is for another currency
	ReasonConditions    RejectReason = "conditions"     // the basket does not meet the conditions
	ReasonNotCombinable RejectReason = "not_combinable" // an exclusive promotion won, or this one is exclusive and another won
	ReasonDuplicate     RejectReason = "duplicate"      // another entered code already applies the same promotion
	ReasonNoDiscount    RejectReason = "no_discount"    // it applies but discounts nothing on this basket
)

// Applied is one promotion that discounts the basket.
type Applied struct {
	PromotionID commerce.PromotionID `json:"promotion_id"`
	Name        string               `json:"name"`
	// Code is the code that unlocked it; empty for automatic ones.
	Code string `json:"code,omitempty"`
	// Discount is what it takes off the lines; ShippingDiscount what it
	// takes off shipping.
	Discount         commerce.Money `json:"discount"`
	ShippingDiscount commerce.Money `json:"shipping_discount"`
	// LineDiscounts is its share of each basket line, one per line in
	// Basket order, summing to Discount exactly.
	LineDiscounts []commerce.Money `json:"line_discounts"`
}

// Rejected is one entered code that was not applied, and why.
type Rejected struct {
	// Code is the code as normalized (or as entered, when it could not
	// be normalized).
	Code   string       `json:"code"`
	Reason RejectReason `json:"reason"`
	// Message is a sentence a shop may show the buyer.
	Message string `json:"message"`
}

// Result is what Evaluate found: the promotions that apply, the codes
// that do not, and the discounts line by line.
type Result struct {
	Currency commerce.Currency `json:"currency"`
	Applied  []Applied         `json:"applied"`
	Rejected []Rejected        `json:"rejected"`
	// LineDiscounts holds one amount per basket line, in Basket order:
	// the sum of the applied promotions' shares of that line, never
	// negative and never more than the line's total.
	LineDiscounts []commerce.Money `json:"line_discounts"`
	// Discount is the sum of LineDiscounts (and of Applied[i].Discount).
	Discount commerce.Money `json:"discount"`
	// ShippingDiscount is the sum of the Applied shipping discounts,
	// never more than Basket.Shipping.
	ShippingDiscount commerce.Money `json:"shipping_discount"`
}

// Codes returns the codes of r's applied promotions, in Applied order.
func (r Result) Codes() []string {
	var out []string
	for _, a := range r.Applied {
		if a.Code != "" {
			out = append(out, a.Code)
		}
	}
	return out
}
