package catalog

import (
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Status is where a product is in its life: only active products can be
// bought.
type Status string

// The product statuses.
const (
	// StatusDraft is a product being prepared: visible to the admin API,
	// not purchasable. New products start here unless told otherwise.
	StatusDraft Status = "draft"
	// StatusActive is a product on sale.
	StatusActive Status = "active"
	// StatusArchived is a product withdrawn from sale but kept, so past
	// orders and reviews still point at something.
	StatusArchived Status = "archived"
)

// Valid reports whether s is one of the defined statuses.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusActive || s == StatusArchived
}

// Product is a thing the shop sells, in one or more variants.
type Product struct {
	ID commerce.ProductID `json:"id"`
	// Handle is the product's unique URL slug, such as "acme-pro-x200".
	Handle      string                `json:"handle"`
	Title       string                `json:"title"`
	Description string                `json:"description,omitempty"`
	BrandID     commerce.BrandID      `json:"brand_id,omitempty"`
	CategoryIDs []commerce.CategoryID `json:"category_ids,omitempty"`
	// Attributes are free key/value facts ("material": "aluminium") that
	// search filters on.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Images are absolute http(s) URLs, the first being the main image.
	Images    []string  `json:"images,omitempty"`
	Status    Status    `json:"status"`
	Rating    Rating    `json:"rating"`
	Variants  []Variant `json:"variants"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Purchasable reports whether the product can be put in a cart.
func (p Product) Purchasable() bool { return p.Status == StatusActive }

// Variant returns the variant with the given ID.
func (p Product) Variant(id commerce.VariantID) (Variant, bool) {
	for _, v := range p.Variants {
		if v.ID == id {
			return v, true
		}
	}
	return Variant{}, false
}

// VariantBySKU returns the variant with the given SKU.
func (p Product) VariantBySKU(sku string) (Variant, bool) {
	for _, v := range p.Variants {
		if v.SKU == sku {
			return v, true
		}
	}
	return Variant{}, false
}

// Clone returns a deep copy of p, so a store can hand out products its
// callers may modify.
func (p Product) Clone() Product {
	c := p
	c.CategoryIDs = slices.Clone(p.CategoryIDs)
	c.Attributes = maps.Clone(p.Attributes)
	c.Images = slices.Clone(p.Images)
	if p.Variants != nil {
		c.Variants = make([]Variant, len(p.Variants))
		for i, v := range p.Variants {
			c.Variants[i] = v.Clone()
		}
	}
	return c
}

// Variant is one purchasable form of a product, identified by its SKU.
type Variant struct {
	ID        commerce.VariantID `json:"id"`
	ProductID commerce.ProductID `json:"product_id"`
	// SKU is the stock-keeping unit, unique across the catalog: the key the
	// cart, inventory and orders use.
	SKU string `json:"sku"`
	// Options distinguish the variant from its siblings ("size": "M").
	Options map[string]string `json:"options,omitempty"`
	// Prices holds at most one price per currency, sorted by currency.
	Prices []commerce.Money `json:"prices"`
	// CompareAt holds optional "was" prices, each in a currency that has a
	// price and above it, sorted by currency.
	CompareAt   []commerce.Money `json:"compare_at,omitempty"`
	WeightGrams int64            `json:"weight_grams,omitempty"`
}

// Price returns the variant's price in currency c.
func (v Variant) Price(c commerce.Currency) (commerce.Money, bool) {
	return moneyIn(v.Prices, c)
}

// CompareAtPrice returns the variant's compare-at price in currency c.
func (v Variant) CompareAtPrice(c commerce.Currency) (commerce.Money, bool) {
	return moneyIn(v.CompareAt, c)
}

// Clone returns a deep copy of v.
func (v Variant) Clone() Variant {
	c := v
	c.Options = maps.Clone(v.Options)
	c.Prices = slices.Clone(v.Prices)
	c.CompareAt = slices.Clone(v.CompareAt)
	return c
}

// VariantTitle is the name a cart line or an order shows for a variant:
// the product title followed by the option values in option-name order,
// e.g. "Trail Runner 2 (Blue / 42)".
func VariantTitle(productTitle string, options map[string]string) string {
	if len(options) == 0 {
		return productTitle
	}
	keys := slices.Sorted(maps.Keys(options))
	values := make([]string, len(keys))
	for i, k := range keys {
		values[i] = options[k]
	}
	return productTitle + " (" + strings.Join(values, " / ") + ")"
}

func moneyIn(ms []commerce.Money, c commerce.Currency) (commerce.Money, bool) {
	for _, m := range ms {
		if m.Currency() == c {
			return m, true
		}
	}
	return commerce.Money{}, false
}

func sortByCurrency(ms []commerce.Money) {
	sort.Slice(ms, func(i, j int) bool { return ms[i].Currency() < ms[j].Currency() })
}

// Rating summarises a product's reviews as a count and a sum of stars.
// Integers add up exactly under concurrent reviews; the average is derived.
type Rating struct {
	Count int64 `json:"count"`
	Sum   int64 `json:"sum"`
}

// Average returns the mean rating for display (0 when there are no
// reviews). Never store it: store Count and Sum.
func (r Rating) Average() float64 {
	if r.Count == 0 {
		return 0
	}
	return float64(r.Sum) / float64(r.Count)
}

// AverageHundredths returns the mean rating in hundredths of a star,
// rounded half up (4.67 stars is 467): an exact integer for sorting and
// range filters.
func (r Rating) AverageHundredths() int64 {
	if r.Count == 0 {
		return 0
	}
	return (r.Sum*200 + r.Count) / (2 * r.Count)
}

// Add returns r with one more review of the given stars.
func (r Rating) Add(stars int) Rating {
	return Rating{Count: r.Count + 1, Sum: r.Sum + int64(stars)}
}
