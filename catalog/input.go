package catalog

import (
	"github.com/mercatohq/mercato/commerce"
)

// ProductInput describes a product to create. Its JSON form is what
// [DecodeProductsJSON] reads; prices use commerce.Money's strict JSON
// ({"amount": 1999, "currency": "USD"}), so an unknown currency fails to
// decode with CodeInvalidArgument.
type ProductInput struct {
	// Handle is the product's URL slug: lower-case letters, digits and
	// single hyphens. Empty derives one from the title.
	Handle      string                `json:"handle,omitempty"`
	Title       string                `json:"title"`
	Description string                `json:"description,omitempty"`
	BrandID     commerce.BrandID      `json:"brand_id,omitempty"`
	CategoryIDs []commerce.CategoryID `json:"category_ids,omitempty"`
	Attributes  map[string]string     `json:"attributes,omitempty"`
	Images      []string              `json:"images,omitempty"`
	// Status defaults to StatusDraft. An active product needs at least one
	// variant.
	Status   Status         `json:"status,omitempty"`
	Variants []VariantInput `json:"variants,omitempty"`
}

// VariantInput describes a variant to create or the new state of one.
type VariantInput struct {
	SKU     string            `json:"sku"`
	Options map[string]string `json:"options,omitempty"`
	// Prices needs at least one price and at most one per currency; no
	// price may be negative.
	Prices []commerce.Money `json:"prices"`
	// CompareAt is optional; each entry must be in a currency of Prices
	// and above that price.
	CompareAt   []commerce.Money `json:"compare_at,omitempty"`
	WeightGrams int64            `json:"weight_grams,omitempty"`
}

// ProductPatch changes some fields of a product; nil fields are left
// alone. Status changes to StatusArchived publish product.archived, every
// other change product.updated.
type ProductPatch struct {
	Handle      *string                `json:"handle,omitempty"`
	Title       *string                `json:"title,omitempty"`
	Description *string                `json:"description,omitempty"`
	BrandID     *commerce.BrandID      `json:"brand_id,omitempty"`
	CategoryIDs *[]commerce.CategoryID `json:"category_ids,omitempty"`
	Attributes  *map[string]string     `json:"attributes,omitempty"`
	Images      *[]string              `json:"images,omitempty"`
	Status      *Status                `json:"status,omitempty"`
}

// BrandInput describes a brand to create. An empty Handle is derived from
// the name.
type BrandInput struct {
	Name   string `json:"name"`
	Handle string `json:"handle,omitempty"`
}

// CategoryInput describes a category to create, under ParentID if set.
// An empty Handle is derived from the name.
type CategoryInput struct {
	Name     string              `json:"name"`
	Handle   string              `json:"handle,omitempty"`
	ParentID commerce.CategoryID `json:"parent_id,omitempty"`
}
