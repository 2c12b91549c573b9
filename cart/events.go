package cart

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Every event's aggregate is the cart it happened to (Merged's is the cart
// that received the lines). Each carries the customer, empty for a guest,
// so consumers (recommendations, abandoned-cart metrics and reminders)
// need not look the cart up.

// EventLine is a line as events report it.
type EventLine struct {
	LineID    commerce.LineID    `json:"line_id"`
	SKU       string             `json:"sku"`
	ProductID commerce.ProductID `json:"product_id"`
	VariantID commerce.VariantID `json:"variant_id"`
	Quantity  int                `json:"quantity"`
	UnitPrice commerce.Money     `json:"unit_price"`
}

func eventLine(l Line) EventLine {
	return EventLine{LineID: l.ID, SKU: l.SKU, ProductID: l.ProductID, VariantID: l.VariantID, Quantity: l.Quantity, UnitPrice: l.UnitPrice}
}

func eventLines(lines []Line) []EventLine {
	out := make([]EventLine, len(lines))
	for i, l := range lines {
		out[i] = eventLine(l)
	}
	return out
}

// Created is published when a cart is created.
type Created struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	Currency   commerce.Currency   `json:"currency"`
	ExpiresAt  time.Time           `json:"expires_at"`
}

// EventName implements commerce.Event.
func (Created) EventName() string { return "cart.created" }

// ItemAdded is published when AddItem adds a line or raises one.
type ItemAdded struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	EventLine
	// Added is how many units this call added; Quantity is the line's
	// quantity after it.
	Added int `json:"added"`
}

// EventName implements commerce.Event.
func (ItemAdded) EventName() string { return "cart.item_added" }

// ItemRemoved is published when a line leaves the cart, by RemoveItem or
// UpdateQuantity to 0. Quantity is what the line held.
type ItemRemoved struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	EventLine
}

// EventName implements commerce.Event.
func (ItemRemoved) EventName() string { return "cart.item_removed" }

// QuantityUpdated is published when UpdateQuantity sets a line's quantity
// to another non-zero value.
type QuantityUpdated struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	EventLine
	PreviousQuantity int `json:"previous_quantity"`
}

// EventName implements commerce.Event.
func (QuantityUpdated) EventName() string { return "cart.quantity_updated" }

// Cleared is published when Clear empties a cart that had lines; Lines are
// the lines it had.
type Cleared struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	Lines      []EventLine         `json:"lines"`
}

// EventName implements commerce.Event.
func (Cleared) EventName() string { return "cart.cleared" }

// CustomerAttached is published when a guest cart gets its owner, by
// AttachCustomer or by a Merge into a customer who had no cart. From then
// on the cart's other events carry the customer too.
type CustomerAttached struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id"`
	ItemCount  int                 `json:"item_count"`
}

// EventName implements commerce.Event.
func (CustomerAttached) EventName() string { return "cart.customer_attached" }

// Merged is published when a guest cart's lines are merged into the
// customer's cart CartID. Lines are the source cart's lines, ItemCount the
// units in CartID afterwards.
type Merged struct {
	CartID       commerce.CartID     `json:"cart_id"`
	SourceCartID commerce.CartID     `json:"source_cart_id"`
	CustomerID   commerce.CustomerID `json:"customer_id"`
	Strategy     MergeStrategy       `json:"strategy"`
	Lines        []EventLine         `json:"lines"`
	ItemCount    int                 `json:"item_count"`
}

// EventName implements commerce.Event.
func (Merged) EventName() string { return "cart.merged" }

// Converted is published when a cart becomes an order. Lines are the
// cart's lines with their captured prices.
type Converted struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	OrderID    commerce.OrderID    `json:"order_id"`
	Lines      []EventLine         `json:"lines"`
	ItemCount  int                 `json:"item_count"`
}

// EventName implements commerce.Event.
func (Converted) EventName() string { return "cart.converted" }

// CodeApplied is published when ApplyCode adds a promotion code to a
// cart.
type CodeApplied struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	Code       string              `json:"code"`
}

// EventName implements commerce.Event.
func (CodeApplied) EventName() string { return "cart.code_applied" }

// CodeRemoved is published when RemoveCode takes a promotion code out of
// a cart.
type CodeRemoved struct {
	CartID     commerce.CartID     `json:"cart_id"`
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	Code       string              `json:"code"`
}

// EventName implements commerce.Event.
func (CodeRemoved) EventName() string { return "cart.code_removed" }

// RegisterEvents registers every event of this package with r.
func RegisterEvents(r *commerce.EventRegistry) {
	// The names are constants of this package, so registration cannot
	// fail except through a conflicting registration by another package,
	// which the registry reports when that package registers.
	_ = commerce.RegisterEvent[Created](r)
	_ = commerce.RegisterEvent[ItemAdded](r)
	_ = commerce.RegisterEvent[ItemRemoved](r)
	_ = commerce.RegisterEvent[QuantityUpdated](r)
	_ = commerce.RegisterEvent[Cleared](r)
	_ = commerce.RegisterEvent[CustomerAttached](r)
	_ = commerce.RegisterEvent[Merged](r)
	_ = commerce.RegisterEvent[Converted](r)
	_ = commerce.RegisterEvent[CodeApplied](r)
	_ = commerce.RegisterEvent[CodeRemoved](r)
}
