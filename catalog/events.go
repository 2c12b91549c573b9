package catalog

import (
	"github.com/mercatohq/mercato/commerce"
)

// ProductCreated is published when a product is created, by
// Service.CreateProduct or an import. It carries the product as stored.
type ProductCreated struct {
	Product Product `json:"product"`
}

// EventName returns "product.created".
func (ProductCreated) EventName() string { return "product.created" }

// ProductUpdated is published when a product or one of its variants
// changes (other than archiving). It carries the product as stored after
// the change, variants included, so an indexer can replace its copy.
type ProductUpdated struct {
	Product Product `json:"product"`
	// PreviousStatus is the product's status before the change, so consumers
	// can tell a product going on sale (draft to active) from an edit.
	PreviousStatus Status `json:"previous_status"`
}

// EventName returns "product.updated".
func (ProductUpdated) EventName() string { return "product.updated" }

// ProductArchived is published when a product is withdrawn from sale. It
// carries the product as stored after the change.
type ProductArchived struct {
	Product Product `json:"product"`
}

// EventName returns "product.archived".
func (ProductArchived) EventName() string { return "product.archived" }

// ProductDeleted is published when a product, its variants and its
// reviews are deleted.
type ProductDeleted struct {
	ProductID commerce.ProductID `json:"product_id"`
	Handle    string             `json:"handle"`
	// SKUs are the deleted variants' SKUs, so carts and stock can forget
	// them.
	SKUs []string `json:"skus"`
}

// EventName returns "product.deleted".
func (ProductDeleted) EventName() string { return "product.deleted" }

// VariantPriceChanged is published, alongside product.updated, for each
// variant whose prices or compare-at prices changed, including a variant
// added with prices (Old empty) or deleted (New empty).
type VariantPriceChanged struct {
	ProductID    commerce.ProductID `json:"product_id"`
	VariantID    commerce.VariantID `json:"variant_id"`
	SKU          string             `json:"sku"`
	OldPrices    []commerce.Money   `json:"old_prices"`
	NewPrices    []commerce.Money   `json:"new_prices"`
	OldCompareAt []commerce.Money   `json:"old_compare_at,omitempty"`
	NewCompareAt []commerce.Money   `json:"new_compare_at,omitempty"`
}

// EventName returns "variant.price_changed".
func (VariantPriceChanged) EventName() string { return "variant.price_changed" }

// ReviewCreated is published when a review is added. ProductRating is the
// product's rating including this review, as committed with it.
type ReviewCreated struct {
	Review        Review `json:"review"`
	ProductRating Rating `json:"product_rating"`
	// Average is ProductRating.Average(), for consumers that only display
	// it.
	Average float64 `json:"average"`
}

// EventName returns "review.created".
func (ReviewCreated) EventName() string { return "review.created" }

// RegisterEvents registers every catalog event with r, so consumers can
// decode them off a bus.
func RegisterEvents(r *commerce.EventRegistry) {
	// The names are constants and unique, so registration cannot fail.
	_ = commerce.RegisterEvent[ProductCreated](r)
	_ = commerce.RegisterEvent[ProductUpdated](r)
	_ = commerce.RegisterEvent[ProductArchived](r)
	_ = commerce.RegisterEvent[ProductDeleted](r)
	_ = commerce.RegisterEvent[VariantPriceChanged](r)
	_ = commerce.RegisterEvent[ReviewCreated](r)
	_ = commerce.RegisterEvent[CategoryMoved](r)
	_ = commerce.RegisterEvent[CategoryDeleted](r)
}
