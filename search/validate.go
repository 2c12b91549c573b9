package search

import (
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mercatohq/mercato/commerce"
)

// normalize validates q and returns it in the normal form a Request
// carries (see Request).
func (s *Service) normalize(q Query) (Query, error) {
	n := q
	n.Cursor = ""
	n.Text = strings.TrimSpace(q.Text)
	if len(n.Text) > MaxTextLength {
		return Query{}, invalid("text", "the text is longer than %d bytes", MaxTextLength)
	}
	if !utf8.ValidString(n.Text) {
		return Query{}, invalid("text", "the text is not valid UTF-8")
	}
	var err error
	if n.CategoryIDs, err = uniqueIDs("category_ids", q.CategoryIDs); err != nil {
		return Query{}, err
	}
	if n.BrandIDs, err = uniqueIDs("brand_ids", q.BrandIDs); err != nil {
		return Query{}, err
	}
	if n.Attributes, err = normalizeAttributes(q.Attributes); err != nil {
		return Query{}, err
	}
	if n.MinRating < 0 || n.MinRating > 500 {
		return Query{}, invalid("min_rating", "the minimum rating must be between 0 and 500 hundredths of a star, got %d", n.MinRating)
	}

	if n.Sort == "" {
		n.Sort = SortRelevance
	}
	if !n.Sort.valid() {
		return Query{}, invalid("sort", "unknown sort %q", truncate(string(q.Sort)))
	}
	switch {
	case n.PageSize == 0:
		n.PageSize = s.opts.DefaultPageSize
	case n.PageSize < 0 || n.PageSize > s.opts.MaxPageSize:
		return Query{}, invalid("page_size", "the page size must be between 1 and %d, got %d", s.opts.MaxPageSize, n.PageSize)
	}
	n.Facets = nil
	for _, f := range q.Facets {
		switch f {
		case FacetBrand, FacetCategory, FacetPrice, FacetRating:
		default:
			return Query{}, invalid("facets", "unknown facet %q", truncate(f))
		}
		if !slices.Contains(n.Facets, f) {
			n.Facets = append(n.Facets, f)
		}
	}

	// The currency: named, defaulted, or none, which only a query that
	// does not use prices may have.
	if n.Currency == "" {
		n.Currency = s.opts.Currency
	} else if !n.Currency.Valid() {
		return Query{}, invalid("currency", "unknown currency %q", truncate(string(q.Currency)))
	}
	usesPrice := n.PriceMin != nil || n.PriceMax != nil || n.Sort == SortPriceAsc || n.Sort == SortPriceDesc || slices.Contains(n.Facets, FacetPrice)
	if n.Currency == "" && usesPrice {
		field := "currency"
		switch {
		case n.PriceMin != nil:
			field = "price_min"
		case n.PriceMax != nil:
			field = "price_max"
		}
		return Query{}, invalid(field, "filtering, sorting or faceting by price needs a currency: set Query.Currency or Options.Currency")
	}
	for field, p := range map[string]*commerce.Money{"price_min": n.PriceMin, "price_max": n.PriceMax} {
		if p == nil {
			continue
		}
		if p.Currency() != n.Currency {
			return Query{}, invalid(field, "%s is not in the query's currency %s", p, n.Currency)
		}
		if p.IsNegative() {
			return Query{}, invalid(field, "%s is negative", p)
		}
	}
	if n.PriceMin != nil && n.PriceMax != nil && n.PriceMin.Amount() > n.PriceMax.Amount() {
		return Query{}, invalid("price_min", "inverted price range: the minimum %s is above the maximum %s", n.PriceMin, n.PriceMax)
	}
	if n.PriceMin != nil {
		m := *n.PriceMin
		n.PriceMin = &m
	}
	if n.PriceMax != nil {
		m := *n.PriceMax
		n.PriceMax = &m
	}
	return n, nil
}

type validatable interface {
	~string
	Validate() error
}

func uniqueIDs[T validatable](field string, ids []T) ([]T, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > MaxFilterValues {
		return nil, invalid(field, "at most %d values, got %d", MaxFilterValues, len(ids))
	}
	for _, id := range ids {
		if err := id.Validate(); err != nil {
			return nil, invalid(field, "%v", err)
		}
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out), nil
}

func normalizeAttributes(attrs map[string][]string) (map[string][]string, error) {
	if len(attrs) == 0 {
		return nil, nil
	}
	if len(attrs) > MaxFilterValues {
		return nil, invalid("attributes", "at most %d attributes, got %d", MaxFilterValues, len(attrs))
	}
	out := make(map[string][]string, len(attrs))
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		vs := attrs[k]
		if k == "" || len(k) > MaxTextLength || !utf8.ValidString(k) {
			return nil, invalid("attributes", "attribute name %q is empty, too long or not UTF-8", truncate(k))
		}
		if len(vs) == 0 {
			return nil, invalid("attributes", "attribute %q lists no value", truncate(k))
		}
		if len(vs) > MaxFilterValues {
			return nil, invalid("attributes", "attribute %q lists more than %d values", truncate(k), MaxFilterValues)
		}
		for _, v := range vs {
			if v == "" || len(v) > MaxTextLength || !utf8.ValidString(v) {
				return nil, invalid("attributes", "a value of attribute %q is empty, too long or not UTF-8", truncate(k))
			}
		}
		c := slices.Clone(vs)
		slices.Sort(c)
		out[k] = slices.Compact(c)
	}
	return out, nil
}

// truncate shortens untrusted input echoed in an error message.
func truncate(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
