package cart

import (
	"maps"
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Status is where a cart is in its life. Only an active cart accepts
// writes; the other two are kept, readable, until they expire.
type Status string

// Cart statuses.
const (
	// StatusActive: the cart is being filled.
	StatusActive Status = "active"
	// StatusMerged: the cart's lines were merged into the cart named by
	// Cart.MergedInto; it accepts no more writes.
	StatusMerged Status = "merged"
	// StatusConverted: the cart became the order named by
	// Cart.ConvertedOrderID; it accepts no more writes.
	StatusConverted Status = "converted"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusActive, StatusMerged, StatusConverted:
		return true
	}
	return false
}

// Line is one SKU in a cart, with the quantity wanted and the price it had
// when it was added. Two lines of a cart never have the same SKU and equal
// metadata: adding such an item again raises the line's quantity.
type Line struct {
	ID        commerce.LineID    `json:"id"`
	SKU       string             `json:"sku"`
	ProductID commerce.ProductID `json:"product_id"`
	VariantID commerce.VariantID `json:"variant_id"`
	// Title is the catalog's title of the variant when it was added.
	Title    string `json:"title"`
	Quantity int    `json:"quantity"`
	// UnitPrice is the catalog price when the line was created, in the
	// cart's currency. Service.Totals compares it with today's price.
	UnitPrice commerce.Money `json:"unit_price"`
	// Metadata distinguishes lines of one SKU (an engraving, a gift
	// note). Nil when empty.
	Metadata map[string]string `json:"metadata,omitempty"`
	AddedAt  time.Time         `json:"added_at"`
}

// Cart is a shopping cart: lines in one currency, owned by a customer or,
// when CustomerID is empty, by a guest who knows only its ID.
type Cart struct {
	ID commerce.CartID `json:"id"`
	// CustomerID is the owner; empty for a guest cart.
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	// Currency is fixed when the cart is created; every line is priced
	// in it.
	Currency commerce.Currency `json:"currency"`
	// Lines in the order they were added. Nil when empty.
	Lines []Line `json:"lines,omitempty"`
	// Codes are the promotion codes the buyer entered, normalized (see
	// promotion.NormalizeCode), in the order they were applied. Nil when empty.
	// Whether each one gives a discount is decided when the cart is
	// priced (Totals) and again at checkout.
	Codes  []string `json:"codes,omitempty"`
	Status Status   `json:"status"`
	// ConvertedOrderID is the order a converted cart became.
	ConvertedOrderID commerce.OrderID `json:"converted_order_id,omitempty"`
	// MergedInto is the cart a merged cart's lines went to.
	MergedInto commerce.CartID `json:"merged_into,omitempty"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
	// ExpiresAt is when the cart is gone unless written again: every
	// write moves it to the write's time plus Options.TTL.
	ExpiresAt time.Time `json:"expires_at"`
	// Version counts the writes of the cart: 1 when created, one more
	// after every write. Stores use it for optimistic concurrency.
	Version int64 `json:"version"`
}

// Clone returns a deep copy of c. Empty lines and metadata come back nil,
// so a cart compares equal to itself after a round trip through JSON.
func (c Cart) Clone() Cart {
	if len(c.Codes) == 0 {
		c.Codes = nil
	} else {
		c.Codes = slices.Clone(c.Codes)
	}
	if len(c.Lines) == 0 {
		c.Lines = nil
		return c
	}
	c.Lines = slices.Clone(c.Lines)
	for i := range c.Lines {
		c.Lines[i] = c.Lines[i].Clone()
	}
	return c
}

// Clone returns a deep copy of l, with empty metadata as nil.
func (l Line) Clone() Line {
	if len(l.Metadata) == 0 {
		l.Metadata = nil
	} else {
		l.Metadata = maps.Clone(l.Metadata)
	}
	return l
}

// Line returns the line with id.
func (c Cart) Line(id commerce.LineID) (Line, bool) {
	i := c.lineIndex(id)
	if i < 0 {
		return Line{}, false
	}
	return c.Lines[i], true
}

// LineFor returns the line holding sku with metadata, the one AddItem
// would raise. Nil and empty metadata are the same.
func (c Cart) LineFor(sku string, metadata map[string]string) (Line, bool) {
	i := c.sameItem(sku, metadata)
	if i < 0 {
		return Line{}, false
	}
	return c.Lines[i], true
}

// ItemCount returns the units in the cart, the sum of its quantities.
func (c Cart) ItemCount() int {
	n := 0
	for _, l := range c.Lines {
		n += l.Quantity
	}
	return n
}

// Guest reports whether the cart has no owner yet.
func (c Cart) Guest() bool { return c.CustomerID.IsZero() }

// ExpiredAt reports whether c is past its ExpiresAt at now.
func (c Cart) ExpiredAt(now time.Time) bool { return !now.Before(c.ExpiresAt) }

func (c Cart) lineIndex(id commerce.LineID) int {
	return slices.IndexFunc(c.Lines, func(l Line) bool { return l.ID == id })
}

func (c Cart) sameItem(sku string, metadata map[string]string) int {
	return slices.IndexFunc(c.Lines, func(l Line) bool { return l.SKU == sku && maps.Equal(l.Metadata, metadata) })
}
