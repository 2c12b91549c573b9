package catalog

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// ProductFilter narrows ListProducts. Zero fields do not filter.
type ProductFilter struct {
	// CategoryID matches products in the category or any category below
	// it.
	CategoryID commerce.CategoryID
	BrandID    commerce.BrandID
	Status     Status
}

// SKULookup is what a store knows about one SKU for pricing: enough to
// price a cart line without loading the whole product.
type SKULookup struct {
	SKU          string
	ProductID    commerce.ProductID
	VariantID    commerce.VariantID
	ProductTitle string
	Options      map[string]string
	Status       Status
	// Price is the variant's price in the requested currency; HasPrice is
	// false when it has none.
	Price    commerce.Money
	HasPrice bool
}

// Store persists the catalog. The Service validates everything before it
// calls a Store; a Store enforces only what it must to stay consistent
// under concurrency (unique handles and SKUs, references, atomic rating
// updates). Implementations must be safe for concurrent use.
//
// Missing things are CodeNotFound. Unique violations (a product or brand
// or category handle, a SKU, a second review by one customer) are
// CodeConflict, detected atomically by the write itself, never by a
// check-then-insert. A reference to a brand, category or product that does
// not exist is CodeFailedPrecondition. Every query returns copies the
// caller may modify.
//
// Events passed to a write commit with it: they are published if and only
// if the change is applied (in PostgreSQL, written to the outbox in the
// same transaction).
type Store interface {
	// CreateBrand inserts b. A taken handle is CodeConflict.
	CreateBrand(ctx context.Context, b Brand) error
	// GetBrand returns the brand with id.
	GetBrand(ctx context.Context, id commerce.BrandID) (Brand, error)
	// ListBrands pages through brands in ID order.
	ListBrands(ctx context.Context, page commerce.PageRequest) (commerce.Page[Brand], error)

	// CreateCategory inserts c, whose Path the Service has computed from
	// its parent (a store that moves categories, see CategoryEditor,
	// rewrites paths then). A
	// taken handle is CodeConflict; a missing parent CodeFailedPrecondition.
	CreateCategory(ctx context.Context, c Category) error
	// GetCategory returns the category with id.
	GetCategory(ctx context.Context, id commerce.CategoryID) (Category, error)
	// ListCategories pages through categories in ID order.
	ListCategories(ctx context.Context, page commerce.PageRequest) (commerce.Page[Category], error)

	// CreateProducts inserts products, with their variants and prices, and
	// events, all or nothing: one batch of an import or a single product.
	// A taken handle or SKU (in the store or twice in the batch) is
	// CodeConflict; an unknown brand or category CodeFailedPrecondition.
	CreateProducts(ctx context.Context, products []Product, events []commerce.Envelope) error

	// GetProduct returns the product with id, variants included.
	GetProduct(ctx context.Context, id commerce.ProductID) (Product, error)
	// GetProductByHandle returns the product with handle.
	GetProductByHandle(ctx context.Context, handle string) (Product, error)
	// GetProductBySKU returns the product that has a variant with sku.
	GetProductBySKU(ctx context.Context, sku string) (Product, error)
	// ListProducts pages through the products matching filter in ID order,
	// with a keyset cursor: products inserted between pages are neither
	// skipped (if their ID sorts later) nor repeated.
	ListProducts(ctx context.Context, filter ProductFilter, page commerce.PageRequest) (commerce.Page[Product], error)

	// UpdateProduct applies fn to the product with id and stores the
	// result, atomically: concurrent updates of one product are
	// serialised, each fn seeing the previous one's result. fn may change
	// every field but ID, CreatedAt and Rating, and may add, change or
	// remove variants (variants keep their IDs). If fn fails nothing is
	// written and its error is returned as is. fn must not do I/O and may
	// be called more than once.
	UpdateProduct(ctx context.Context, id commerce.ProductID, fn func(*Product) ([]commerce.Envelope, error)) error
	// DeleteProduct deletes the product with id, its variants, prices and
	// reviews, atomically with the events fn returns for it.
	DeleteProduct(ctx context.Context, id commerce.ProductID, fn func(Product) ([]commerce.Envelope, error)) error

	// LookupSKUs returns what the store knows of each SKU in skus, with
	// its price in currency. SKUs it does not know are absent from the
	// map, which is not an error.
	LookupSKUs(ctx context.Context, currency commerce.Currency, skus []string) (map[string]SKULookup, error)

	// AddReview inserts r and adds its stars to the product's rating in one
	// atomic step, so concurrent reviews never lose a count. events
	// receives the product's rating including r and returns the events to
	// commit with it. A missing product is CodeNotFound; a second review
	// by the same customer CodeConflict. It returns the new rating.
	AddReview(ctx context.Context, r Review, events func(Rating) []commerce.Envelope) (Rating, error)
	// ListReviews pages through a product's reviews in ID (creation)
	// order. An unknown product has no reviews.
	ListReviews(ctx context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[Review], error)
}
