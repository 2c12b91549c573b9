package promotion

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// PromotionInput describes a promotion to create, or (UpdatePromotion)
// the new state of one's editable fields.
type PromotionInput struct {
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Trigger     Trigger    `json:"trigger"`
	Conditions  Conditions `json:"conditions"`
	// Actions needs 1 to MaxActions actions.
	Actions   []Action        `json:"actions"`
	Exclusive bool            `json:"exclusive,omitempty"`
	Priority  int             `json:"priority,omitempty"`
	Budget    *commerce.Money `json:"budget,omitempty"`
	StartsAt  *time.Time      `json:"starts_at,omitempty"`
	EndsAt    *time.Time      `json:"ends_at,omitempty"`
	// Active defaults to true on create and to unchanged on update.
	Active *bool `json:"active,omitempty"`
}

// CodeInput describes a coupon code to create.
type CodeInput struct {
	// Code is 3 to MaxCodeLength letters, digits, '-' or '_'; it is
	// stored upper case (see NormalizeCode).
	Code               string               `json:"code"`
	PromotionID        commerce.PromotionID `json:"promotion_id"`
	MaxUses            int                  `json:"max_uses,omitempty"`
	MaxUsesPerCustomer int                  `json:"max_uses_per_customer,omitempty"`
}

// CodePatch changes some fields of a code; nil fields are left alone.
type CodePatch struct {
	MaxUses            *int  `json:"max_uses,omitempty"`
	MaxUsesPerCustomer *int  `json:"max_uses_per_customer,omitempty"`
	Active             *bool `json:"active,omitempty"`
}

// GiftCardInput describes a gift card to issue.
type GiftCardInput struct {
	// Amount is the card's initial balance: positive, at most
	// MaxGiftCardAmount minor units.
	Amount    commerce.Money `json:"amount"`
	ExpiresAt *time.Time     `json:"expires_at,omitempty"`
}

// Limits of the inputs.
const (
	MaxNameLength        = 200
	MaxDescriptionLength = 2000
	MaxActions           = 10
	MaxConditionItems    = 500
	MaxCodeLength        = 64
	// MaxUses bounds MaxUses and MaxUsesPerCustomer.
	MaxUses = 1 << 30
	// MaxGiftCardAmount bounds a card's initial balance, in minor units.
	MaxGiftCardAmount = 1 << 40
)

// GiftCardPatch changes some fields of a gift card; nil fields are left
// alone. The balance changes only through orders.
type GiftCardPatch struct {
	Active *bool `json:"active,omitempty"`
	// ExpiresAt sets a new expiry, which must be in the future.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}
