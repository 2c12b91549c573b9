package httpapi

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// ReviewRequest is the body of POST /store/products/{id}/reviews: the
// product comes from the path and the customer from the session.
type ReviewRequest struct {
	// Rating is the number of stars, 1 to 5.
	Rating int    `json:"rating"`
	Title  string `json:"title,omitempty"`
	Body   string `json:"body,omitempty"`
}

// keysetParams documents ?limit and ?cursor of a paged list.
var keysetParams = []Param{
	{Name: "limit", Type: "integer", Description: "Items per page: default 50, at most 500 (larger asks are clamped)."},
	{Name: "cursor", Description: "The next_cursor of the previous page; absent for the first page."},
}

// withKeyset returns params followed by ?limit and ?cursor.
func withKeyset(params ...Param) []Param {
	return append(params, keysetParams...)
}

// listFromPage is the API's shape of a store's page, with items never
// null.
func listFromPage[T any](p commerce.Page[T]) List[T] {
	if p.Items == nil {
		p.Items = []T{}
	}
	return List[T]{Items: p.Items, NextCursor: p.NextCursor}
}

// listOf is the API's shape of a whole list, with items never null.
func listOf[T any](items []T) List[T] {
	return listFromPage(commerce.Page[T]{Items: items})
}

// queryID parses the optional query parameter name as an ID of type T: a
// malformed one is a bad parameter (400), unlike a path ID.
func queryID[T commerce.IDType](r *http.Request, name string) (T, error) {
	var zero T
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return zero, nil
	}
	id, err := commerce.ParseID[T](raw)
	if err != nil {
		return zero, commerce.Errorf(commerce.CodeInvalidArgument, "%s %q is not a %s ID", name, truncate(raw), zero.Prefix()).WithDetail("field", name)
	}
	return id, nil
}

// productFilter reads ?category and ?brand.
func productFilter(r *http.Request) (catalog.ProductFilter, error) {
	var f catalog.ProductFilter
	var err error
	if f.CategoryID, err = queryID[commerce.CategoryID](r, "category"); err != nil {
		return f, err
	}
	if f.BrandID, err = queryID[commerce.BrandID](r, "brand"); err != nil {
		return f, err
	}
	return f, nil
}

// storeProduct returns the product a store path names by ID or by
// handle. Drafts are not published, so the store cannot see them;
// archived products stay readable (past orders and reviews point at them)
// but cannot be bought.
func (a *API) storeProduct(ctx context.Context, raw string) (catalog.Product, error) {
	var (
		p   catalog.Product
		err error
	)
	if id, perr := commerce.ParseID[commerce.ProductID](raw); perr == nil {
		p, err = a.svc.Catalog.GetProduct(ctx, id)
	} else if catalog.ValidHandle(raw) {
		p, err = a.svc.Catalog.GetProductByHandle(ctx, raw)
	} else {
		err = commerce.Errorf(commerce.CodeNotFound, "no product %q", truncate(raw))
	}
	if err != nil {
		return catalog.Product{}, err
	}
	if p.Status == catalog.StatusDraft {
		return catalog.Product{}, commerce.Errorf(commerce.CodeNotFound, "no product %q", truncate(raw))
	}
	return p, nil
}

// listProducts returns a page of the products filter selects. It reads
// ?limit= and ?cursor= after the caller has read the filter, so that a
// bad filter is the error reported first.
func (a *API) listProducts(r *http.Request, filter catalog.ProductFilter) (List[catalog.Product], error) {
	return paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[catalog.Product], error) {
		return a.svc.Catalog.ListProducts(r.Context(), filter, page)
	})(r)
}

func (a *API) productRoutes() {
	a.add(Route{
		Method: http.MethodGet, Path: "/store/products", Summary: "List the products on sale, in ID order, a keyset page at a time", Tag: "products",
		Query: withKeyset(
			Param{Name: "category", Description: "A category ID: products in it or in any category below it."},
			Param{Name: "brand", Description: "A brand ID."},
		),
		Response: List[catalog.Product]{},
		handle: reply(func(r *http.Request) (List[catalog.Product], error) {
			filter, err := productFilter(r)
			if err != nil {
				return List[catalog.Product]{}, err
			}
			filter.Status = catalog.StatusActive
			return a.listProducts(r, filter)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/products/{id}", Summary: "A product with its variants, their SKUs and prices, by ID or by handle", Tag: "products",
		Response: catalog.Product{},
		handle: reply(func(r *http.Request) (catalog.Product, error) {
			p, err := a.storeProduct(r.Context(), r.PathValue("id"))
			if err == nil {
				a.recordView(r, p.ID)
			}
			return p, err
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/products/{id}/reviews", Summary: "A product's reviews, oldest first, a keyset page at a time", Tag: "reviews",
		Query:    withKeyset(),
		Response: List[catalog.Review]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[catalog.Review], error) {
			p, err := a.storeProduct(r.Context(), r.PathValue("id"))
			if err != nil {
				return commerce.Page[catalog.Review]{}, err
			}
			return a.svc.Catalog.ListReviews(r.Context(), p.ID, page)
		})),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/products/{id}/reviews", Summary: "Review a product as the signed-in customer (once per product)", Tag: "reviews", Auth: Customer,
		Request: ReviewRequest{}, Response: catalog.Review{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in ReviewRequest) (catalog.Review, error) {
			p, err := a.storeProduct(r.Context(), r.PathValue("id"))
			if err != nil {
				return catalog.Review{}, err
			}
			if !p.Purchasable() {
				return catalog.Review{}, commerce.Errorf(commerce.CodeFailedPrecondition, "product %s is no longer on sale and takes no reviews", p.ID)
			}
			return a.svc.Catalog.AddReview(r.Context(), catalog.ReviewInput{
				ProductID: p.ID, CustomerID: callerOf(r).customer,
				Rating: in.Rating, Title: in.Title, Body: in.Body,
			})
		}),
	})
	a.taxonomyReads("/store", "products", Public)
}

// taxonomyReads registers the brand and category reads under prefix
// (/store or /admin): the lists and single ones by ID.
func (a *API) taxonomyReads(prefix, tag string, auth Auth) {
	a.add(Route{
		Method: http.MethodGet, Path: prefix + "/brands", Summary: "List brands in ID order, a keyset page at a time", Tag: tag, Auth: auth,
		Query: withKeyset(), Response: List[catalog.Brand]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[catalog.Brand], error) {
			return a.svc.Catalog.ListBrands(r.Context(), page)
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: prefix + "/brands/{id}", Summary: "A brand", Tag: tag, Auth: auth,
		Response: catalog.Brand{},
		handle:   reply(byID(a.svc.Catalog.GetBrand)),
	})
	a.add(Route{
		Method: http.MethodGet, Path: prefix + "/categories", Summary: "List categories in ID order, each with its path from the root, a keyset page at a time", Tag: tag, Auth: auth,
		Query: withKeyset(), Response: List[catalog.Category]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[catalog.Category], error) {
			return a.svc.Catalog.ListCategories(r.Context(), page)
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: prefix + "/categories/{id}", Summary: "A category with its path from the root", Tag: tag, Auth: auth,
		Response: catalog.Category{},
		handle:   reply(byID(a.svc.Catalog.GetCategory)),
	})
}
