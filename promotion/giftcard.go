package promotion

import (
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// GiftCard is a stored-value card in one currency. Its code is never
// stored: only its SHA-256 (CodeHash) and its last four characters (Hint).
type GiftCard struct {
	ID commerce.GiftCardID `json:"id"`
	// CodeHash is the SHA-256 of the normalized code, hex encoded. It is
	// for stores, not for clients.
	CodeHash string            `json:"-"`
	Hint     string            `json:"hint"`
	Currency commerce.Currency `json:"currency"`
	Initial  commerce.Money    `json:"initial"`
	// Balance is what is left to spend: Initial, less what orders hold or
	// captured, plus what they released or were refunded. Never negative.
	Balance   commerce.Money `json:"balance"`
	Active    bool           `json:"active"`
	ExpiresAt *time.Time     `json:"expires_at,omitempty"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// Clone returns a deep copy of g.
func (g GiftCard) Clone() GiftCard {
	g.ExpiresAt = cloneTime(g.ExpiresAt)
	return g
}

// IssuedGiftCard is what IssueGiftCard returns: the card and its code,
// which is shown this once and cannot be recovered.
type IssuedGiftCard struct {
	GiftCard GiftCard `json:"gift_card"`
	Code     string   `json:"code"`
}

// GiftCardUse is one card a checkout pays with, and how much of it.
type GiftCardUse struct {
	Code   string         `json:"code"`
	Amount commerce.Money `json:"amount"`
}

// HoldInput is what HoldGiftCards takes.
type HoldInput struct {
	OrderID commerce.OrderID `json:"order_id"`
	// Uses lists the cards and amounts; a card may appear once.
	Uses []GiftCardUse `json:"gift_cards"`
	// TTL is how long the holds last without a capture; 0 is
	// Options.DefaultTTL.
	TTL time.Duration `json:"ttl,omitempty"`
}

// GiftCardPaymentStatus is where an order's gift-card payment is.
type GiftCardPaymentStatus string

// The statuses: held (the balances are debited, awaiting the order),
// captured (the order took them), released (given back: the checkout
// failed, the hold expired, or the order was cancelled).
const (
	GiftCardHeld     GiftCardPaymentStatus = "held"
	GiftCardCaptured GiftCardPaymentStatus = "captured"
	GiftCardReleased GiftCardPaymentStatus = "released"
)

// GiftCardHold is one card's part of an order's gift-card payment.
type GiftCardHold struct {
	GiftCardID commerce.GiftCardID `json:"gift_card_id"`
	Hint       string              `json:"hint"`
	// Amount is what the order took from the card.
	Amount commerce.Money `json:"amount"`
	// Refunded is what refunds have credited back to the card so far.
	Refunded commerce.Money `json:"refunded"`
}

// GiftCardRefund is one refund credited back to an order's cards.
type GiftCardRefund struct {
	ID commerce.RefundID `json:"id"`
	// Requested is what the refund asked for; Amount what it credited
	// (less when the cards had less left to refund).
	Requested commerce.Money `json:"requested"`
	Amount    commerce.Money `json:"amount"`
	CreatedAt time.Time      `json:"created_at"`
}

// GiftCardPayment is everything an order paid with gift cards. There is
// at most one per order.
type GiftCardPayment struct {
	OrderID   commerce.OrderID      `json:"order_id"`
	Status    GiftCardPaymentStatus `json:"status"`
	Holds     []GiftCardHold        `json:"holds"`
	Refunds   []GiftCardRefund      `json:"refunds,omitempty"`
	CreatedAt time.Time             `json:"created_at"`
	UpdatedAt time.Time             `json:"updated_at"`
	ExpiresAt time.Time             `json:"expires_at"`
}

// Clone returns a deep copy of p.
func (p GiftCardPayment) Clone() GiftCardPayment {
	p.Holds = slices.Clone(p.Holds)
	p.Refunds = slices.Clone(p.Refunds)
	return p
}

// CardIDs returns the IDs of the cards p holds, in hold order.
func (p GiftCardPayment) CardIDs() []commerce.GiftCardID {
	ids := make([]commerce.GiftCardID, len(p.Holds))
	for i, h := range p.Holds {
		ids[i] = h.GiftCardID
	}
	return ids
}
