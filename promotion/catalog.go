package promotion

import (
	"context"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// ProductFacts is what conditions on categories and brands need to know
// of a product.
type ProductFacts struct {
	BrandID commerce.BrandID `json:"brand_id,omitempty"`
	// Categories holds the product's categories and every category above
	// them, so a promotion on a category covers the ones below it.
	Categories []commerce.CategoryID `json:"categories,omitempty"`
}

// Products tells the service a product's brand and categories. Evaluate
// calls it only for baskets facing a promotion with category or brand
// conditions, once per distinct product per call. An unknown product is
// NotFound (its lines then match no category or brand); other errors fail
// the Evaluate call. CatalogProducts adapts *catalog.Service.
type Products interface {
	ProductFacts(ctx context.Context, id commerce.ProductID) (ProductFacts, error)
}

// ProductsFunc is a function that implements Products.
type ProductsFunc func(ctx context.Context, id commerce.ProductID) (ProductFacts, error)

// ProductFacts implements Products.
func (f ProductsFunc) ProductFacts(ctx context.Context, id commerce.ProductID) (ProductFacts, error) {
	return f(ctx, id)
}

// CatalogReader is the part of *catalog.Service that CatalogProducts
// reads.
type CatalogReader interface {
	GetProduct(ctx context.Context, id commerce.ProductID) (catalog.Product, error)
	GetCategory(ctx context.Context, id commerce.CategoryID) (catalog.Category, error)
}

var _ CatalogReader = (*catalog.Service)(nil)

// CatalogProducts returns Products over a catalog: a product's brand, and
// its categories with their ancestors (from each category's Path).
func CatalogProducts(c CatalogReader) Products {
	return ProductsFunc(func(ctx context.Context, id commerce.ProductID) (ProductFacts, error) {
		p, err := c.GetProduct(ctx, id)
		if err != nil {
			return ProductFacts{}, err
		}
		facts := ProductFacts{BrandID: p.BrandID}
		seen := map[commerce.CategoryID]bool{}
		for _, cid := range p.CategoryIDs {
			cat, err := c.GetCategory(ctx, cid)
			path := []commerce.CategoryID{cid}
			switch {
			case err == nil:
				path = append(path, cat.Path...)
			case commerce.Code(err) != commerce.CodeNotFound:
				return ProductFacts{}, err
			}
			for _, a := range path {
				if !seen[a] {
					seen[a] = true
					facts.Categories = append(facts.Categories, a)
				}
			}
		}
		return facts, nil
	})
}
