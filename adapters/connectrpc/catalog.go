package connectrpc

import (
	"context"
	"net/http"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// CatalogServiceName is the Connect service the catalog procedures live
// under.
const CatalogServiceName = "mercato.catalog.v1.CatalogService"

// CatalogService is what NewCatalogServer serves: pricing for the carts
// (cart.Pricer) and the reads the search indexer makes
// (search.CatalogSource). *catalog.Service satisfies it.
type CatalogService interface {
	PriceSKUs(ctx context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error)
	GetProduct(ctx context.Context, id commerce.ProductID) (catalog.Product, error)
	GetVariantBySKU(ctx context.Context, sku string) (catalog.Variant, catalog.Product, error)
	GetBrand(ctx context.Context, id commerce.BrandID) (catalog.Brand, error)
	GetCategory(ctx context.Context, id commerce.CategoryID) (catalog.Category, error)
	ListProducts(ctx context.Context, filter catalog.ProductFilter, page commerce.PageRequest) (commerce.Page[catalog.Product], error)
	ListReviews(ctx context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[catalog.Review], error)
}

var _ CatalogService = (*catalog.Service)(nil)

type priceSKUsRequest struct {
	Currency commerce.Currency `json:"currency"`
	SKUs     []string          `json:"skus"`
}

type productIDRequest struct {
	ID commerce.ProductID `json:"id"`
}

type variantResponse struct {
	Variant catalog.Variant `json:"variant"`
	Product catalog.Product `json:"product"`
}

type brandIDRequest struct {
	ID commerce.BrandID `json:"id"`
}

type categoryIDRequest struct {
	ID commerce.CategoryID `json:"id"`
}

type listProductsRequest struct {
	Filter catalog.ProductFilter `json:"filter"`
	Page   commerce.PageRequest  `json:"page"`
}

type listReviewsRequest struct {
	ProductID commerce.ProductID   `json:"product_id"`
	Page      commerce.PageRequest `json:"page"`
}

// NewCatalogServer returns the path to mount and the handler serving the
// catalog over Connect:
//
//	mux.Handle(connectrpc.NewCatalogServer(products, nil))
func NewCatalogServer(products CatalogService, opts *ServerOptions) (string, http.Handler) {
	s := newServer(CatalogServiceName, opts)
	handle(s, "PriceSKUs", func(ctx context.Context, r *priceSKUsRequest, _ http.Header) (map[string]catalog.SKUPrice, error) {
		return products.PriceSKUs(ctx, r.Currency, r.SKUs...)
	})
	handle(s, "GetProduct", func(ctx context.Context, r *productIDRequest, _ http.Header) (catalog.Product, error) {
		return products.GetProduct(ctx, r.ID)
	})
	handle(s, "GetVariantBySKU", func(ctx context.Context, r *skuRequest, _ http.Header) (variantResponse, error) {
		v, p, err := products.GetVariantBySKU(ctx, r.SKU)
		return variantResponse{Variant: v, Product: p}, err
	})
	handle(s, "GetBrand", func(ctx context.Context, r *brandIDRequest, _ http.Header) (catalog.Brand, error) {
		return products.GetBrand(ctx, r.ID)
	})
	handle(s, "GetCategory", func(ctx context.Context, r *categoryIDRequest, _ http.Header) (catalog.Category, error) {
		return products.GetCategory(ctx, r.ID)
	})
	handle(s, "ListProducts", func(ctx context.Context, r *listProductsRequest, _ http.Header) (commerce.Page[catalog.Product], error) {
		return products.ListProducts(ctx, r.Filter, r.Page)
	})
	handle(s, "ListReviews", func(ctx context.Context, r *listReviewsRequest, _ http.Header) (commerce.Page[catalog.Review], error) {
		return products.ListReviews(ctx, r.ProductID, r.Page)
	})
	return s.handler()
}

// CatalogClient calls a catalog server. Its methods are those of
// *catalog.Service, so it satisfies the ports declared on them
// (cart.Pricer, search.CatalogSource). Every call is a read, retried while
// the server is unavailable. It is safe for concurrent use.
type CatalogClient struct {
	priceSKUs    endpoint[priceSKUsRequest, map[string]catalog.SKUPrice]
	getProduct   endpoint[productIDRequest, catalog.Product]
	getVariant   endpoint[skuRequest, variantResponse]
	getBrand     endpoint[brandIDRequest, catalog.Brand]
	getCategory  endpoint[categoryIDRequest, catalog.Category]
	listProducts endpoint[listProductsRequest, commerce.Page[catalog.Product]]
	listReviews  endpoint[listReviewsRequest, commerce.Page[catalog.Review]]
}

// NewCatalogClient returns a client of the catalog server at baseURL; see
// NewCartClient for the arguments.
func NewCatalogClient(httpClient connect.HTTPClient, baseURL string, opts *ClientOptions) (*CatalogClient, error) {
	c, err := newClient(httpClient, baseURL, CatalogServiceName, opts)
	if err != nil {
		return nil, err
	}
	return &CatalogClient{
		priceSKUs:    newEndpoint[priceSKUsRequest, map[string]catalog.SKUPrice](c, "PriceSKUs"),
		getProduct:   newEndpoint[productIDRequest, catalog.Product](c, "GetProduct"),
		getVariant:   newEndpoint[skuRequest, variantResponse](c, "GetVariantBySKU"),
		getBrand:     newEndpoint[brandIDRequest, catalog.Brand](c, "GetBrand"),
		getCategory:  newEndpoint[categoryIDRequest, catalog.Category](c, "GetCategory"),
		listProducts: newEndpoint[listProductsRequest, commerce.Page[catalog.Product]](c, "ListProducts"),
		listReviews:  newEndpoint[listReviewsRequest, commerce.Page[catalog.Review]](c, "ListReviews"),
	}, nil
}

// PriceSKUs prices skus in currency.
func (c *CatalogClient) PriceSKUs(ctx context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	return c.priceSKUs.call(ctx, &priceSKUsRequest{Currency: currency, SKUs: skus}, "", idempotent)
}

// GetProduct returns the product with id.
func (c *CatalogClient) GetProduct(ctx context.Context, id commerce.ProductID) (catalog.Product, error) {
	return c.getProduct.call(ctx, &productIDRequest{ID: id}, "", idempotent)
}

// GetVariantBySKU returns the variant with sku and its product.
func (c *CatalogClient) GetVariantBySKU(ctx context.Context, sku string) (catalog.Variant, catalog.Product, error) {
	res, err := c.getVariant.call(ctx, &skuRequest{SKU: sku}, "", idempotent)
	return res.Variant, res.Product, err
}

// GetBrand returns the brand with id.
func (c *CatalogClient) GetBrand(ctx context.Context, id commerce.BrandID) (catalog.Brand, error) {
	return c.getBrand.call(ctx, &brandIDRequest{ID: id}, "", idempotent)
}

// GetCategory returns the category with id.
func (c *CatalogClient) GetCategory(ctx context.Context, id commerce.CategoryID) (catalog.Category, error) {
	return c.getCategory.call(ctx, &categoryIDRequest{ID: id}, "", idempotent)
}

// ListProducts returns a page of the products filter matches.
func (c *CatalogClient) ListProducts(ctx context.Context, filter catalog.ProductFilter, page commerce.PageRequest) (commerce.Page[catalog.Product], error) {
	return c.listProducts.call(ctx, &listProductsRequest{Filter: filter, Page: page}, "", idempotent)
}

// ListReviews returns a page of the product's reviews.
func (c *CatalogClient) ListReviews(ctx context.Context, productID commerce.ProductID, page commerce.PageRequest) (commerce.Page[catalog.Review], error) {
	return c.listReviews.call(ctx, &listReviewsRequest{ProductID: productID, Page: page}, "", idempotent)
}
