package httpapi

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// SuggestResponse holds the completions of a search box's text.
type SuggestResponse struct {
	Suggestions []search.Suggestion `json:"suggestions"`
}

// searchParams documents GET /store/search.
var searchParams = []Param{
	{Name: "q", Description: "What the shopper typed; empty lists everything."},
	{Name: "category", Repeated: true, Description: "Category IDs (repeated or comma-separated): products in any of them or below."},
	{Name: "brand", Repeated: true, Description: "Brand IDs (repeated or comma-separated): products of any of them."},
	{Name: "currency", Description: "ISO 4217 currency of the price filter, the price sorts and the price facet; default the shop's."},
	{Name: "price_min", Type: "integer", Description: "Lowest price, included, in minor units of the currency parameter, which it needs (1999 with currency=USD is 19.99 USD)."},
	{Name: "price_max", Type: "integer", Description: "Highest price, included, in minor units of the currency parameter, which it needs."},
	{Name: "min_rating", Type: "integer", Description: "Lowest average rating in hundredths of a star, 0 to 500 (450 is 4.5 stars), as the rating facet's values."},
	{Name: "in_stock", Type: "boolean", Description: "true keeps only products with a variant in stock."},
	{Name: "attribute", Repeated: true, Description: "An attribute filter name:value, e.g. color:red (split at the first colon; values match exactly). Values of one attribute are ORed, attributes ANDed."},
	{Name: "sort", Description: "relevance (default), price_asc, price_desc, rating or newest."},
	{Name: "page_size", Type: "integer", Description: "Hits per page: default 20, at most 100."},
	{Name: "cursor", Description: "The next_cursor of the previous page of the same query."},
	{Name: "facets", Repeated: true, Description: "Facets to count (repeated or comma-separated): brand, category, price, rating."},
}

// searchFields maps the search service's field names to the parameters
// a client sent.
var searchFields = map[string]string{
	"text":         "q",
	"prefix":       "q",
	"n":            "limit",
	"category_ids": "category",
	"brand_ids":    "brand",
	"attributes":   "attribute",
}

// renameField returns err with its "field" detail renamed by names, so
// an error names the parameter the client sent rather than the service's
// field.
func renameField(err error, names map[string]string) error {
	var ce *commerce.Error
	if !errors.As(err, &ce) {
		return err
	}
	field, _ := ce.Details["field"].(string)
	if to, ok := names[field]; ok {
		return ce.WithDetail("field", to)
	}
	return err
}

func badParam(name, format string, args ...any) error {
	return commerce.Errorf(commerce.CodeInvalidArgument, format, args...).WithDetail("field", name)
}

// listParam returns the values of a repeated parameter, each value also
// split at commas, empty ones dropped.
func listParam(r *http.Request, name string) []string {
	var out []string
	for _, v := range r.URL.Query()[name] {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func idsParam[T commerce.IDType](r *http.Request, name string) ([]T, error) {
	values := listParam(r, name)
	if len(values) > search.MaxFilterValues {
		return nil, badParam(name, "at most %d values of %s", search.MaxFilterValues, name)
	}
	var out []T
	for _, v := range values {
		id, err := commerce.ParseID[T](v)
		if err != nil {
			var zero T
			return nil, badParam(name, "%s %q is not a %s ID", name, truncate(v), zero.Prefix())
		}
		out = append(out, id)
	}
	return out, nil
}

// searchQuery reads a search.Query from the request's parameters. It
// checks their syntax; the search service checks the rest.
func searchQuery(r *http.Request) (search.Query, error) {
	q := r.URL.Query()
	sq := search.Query{Text: q.Get("q"), Cursor: q.Get("cursor"), Sort: search.Sort(q.Get("sort"))}
	var err error
	if sq.CategoryIDs, err = idsParam[commerce.CategoryID](r, "category"); err != nil {
		return sq, err
	}
	if sq.BrandIDs, err = idsParam[commerce.BrandID](r, "brand"); err != nil {
		return sq, err
	}
	if s := q.Get("currency"); s != "" {
		if sq.Currency, err = commerce.ParseCurrency(s); err != nil {
			return sq, badParam("currency", "unknown currency %q", truncate(s))
		}
	}
	for _, name := range []string{"price_min", "price_max"} {
		amount, ok, err := intQuery(r, name)
		if err != nil || !ok {
			if err != nil {
				return sq, err
			}
			continue
		}
		// Prices are minor units of the query's currency, so a price
		// without a currency means nothing.
		if sq.Currency == "" {
			return sq, badParam("currency", "%s needs the currency it is in: add currency=", name)
		}
		m, err := commerce.NewMoney(amount, sq.Currency)
		if err != nil {
			return sq, badParam("currency", "%v", err)
		}
		if name == "price_min" {
			sq.PriceMin = &m
		} else {
			sq.PriceMax = &m
		}
	}
	if sq.MinRating, _, err = intQuery(r, "min_rating"); err != nil {
		return sq, err
	}
	if s := q.Get("in_stock"); s != "" {
		if sq.InStockOnly, err = strconv.ParseBool(s); err != nil {
			return sq, badParam("in_stock", "in_stock must be true or false")
		}
	}
	for _, v := range q["attribute"] {
		name, value, ok := strings.Cut(v, ":")
		if !ok || name == "" || value == "" {
			return sq, badParam("attribute", "attribute %q must be name:value, e.g. color:red", truncate(v))
		}
		if sq.Attributes == nil {
			sq.Attributes = map[string][]string{}
		}
		sq.Attributes[name] = append(sq.Attributes[name], value)
	}
	if s := q.Get("page_size"); s != "" {
		if sq.PageSize, err = strconv.Atoi(s); err != nil {
			return sq, badParam("page_size", "page_size must be an integer")
		}
	}
	sq.Facets = listParam(r, "facets")
	return sq, nil
}

// searchService returns the search service, or Unavailable when the shop
// runs without one.
func (a *API) searchService() (*search.Service, error) {
	if a.svc.Search == nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "search is not configured on this shop")
	}
	return a.svc.Search, nil
}

func (a *API) searchRoutes() {
	a.add(Route{
		Method: http.MethodGet, Path: "/store/search", Summary: "Search the products on sale: text, filters, facets, sorts and keyset pages", Tag: "search",
		Query: searchParams, Response: search.Result{},
		handle: reply(func(r *http.Request) (search.Result, error) {
			svc, err := a.searchService()
			if err != nil {
				return search.Result{}, err
			}
			q, err := searchQuery(r)
			if err != nil {
				return search.Result{}, err
			}
			res, err := svc.Search(r.Context(), q)
			if err != nil {
				return search.Result{}, renameField(err, searchFields)
			}
			if res.Hits == nil {
				res.Hits = []search.Hit{}
			}
			return res, nil
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/search/suggest", Summary: "Complete the last word of a search box's text, most frequent first", Tag: "search",
		Query: []Param{
			{Name: "q", Required: true, Description: "The text typed so far."},
			{Name: "limit", Type: "integer", Description: "Suggestions to return: default 10, at most 50."},
		},
		Response: SuggestResponse{},
		handle: reply(func(r *http.Request) (SuggestResponse, error) {
			svc, err := a.searchService()
			if err != nil {
				return SuggestResponse{}, err
			}
			n, _, err := intQuery(r, "limit")
			if err != nil {
				return SuggestResponse{}, err
			}
			if n < 0 || n > search.MaxSuggestions {
				return SuggestResponse{}, badParam("limit", "limit must be between 0 and %d", search.MaxSuggestions)
			}
			out, err := svc.Suggest(r.Context(), r.URL.Query().Get("q"), int(n))
			if err != nil {
				return SuggestResponse{}, renameField(err, searchFields)
			}
			return SuggestResponse{Suggestions: out}, nil
		}),
	})
}
