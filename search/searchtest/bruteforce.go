package searchtest

import (
	"slices"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// filter returns the documents of docs that q's filters keep, by
// checking each one: what the index must find.
func filter(docs []search.Document, q search.Query, currency commerce.Currency) []search.Document {
	if q.Currency != "" {
		currency = q.Currency
	}
	var out []search.Document
	for _, d := range docs {
		if keeps(d, q, currency) {
			out = append(out, d)
		}
	}
	return out
}

func keeps(d search.Document, q search.Query, currency commerce.Currency) bool {
	if len(q.CategoryIDs) > 0 && !slices.ContainsFunc(q.CategoryIDs, d.InCategory) {
		return false
	}
	if len(q.BrandIDs) > 0 && !slices.Contains(q.BrandIDs, d.BrandID) {
		return false
	}
	if q.PriceMin != nil || q.PriceMax != nil {
		p, ok := d.Price(currency)
		if !ok || (q.PriceMin != nil && p.Amount() < q.PriceMin.Amount()) || (q.PriceMax != nil && p.Amount() > q.PriceMax.Amount()) {
			return false
		}
	}
	if d.RatingHundredths < q.MinRating {
		return false
	}
	if q.InStockOnly && !d.InStock {
		return false
	}
	for k, vs := range q.Attributes {
		v, ok := d.Attributes[k]
		if !ok || !slices.Contains(vs, v) {
			return false
		}
	}
	return true
}

// facetCounts counts facet name over docs as the Service must: every
// value with hits for brands and categories, every bucket for prices (the
// default bounds of currency) and ratings.
func facetCounts(name string, docs []search.Document, currency commerce.Currency) map[string]int {
	out := map[string]int{}
	switch name {
	case search.FacetBrand:
		for _, d := range docs {
			if !d.BrandID.IsZero() {
				out[string(d.BrandID)]++
			}
		}
	case search.FacetCategory:
		for _, d := range docs {
			for _, c := range d.Categories {
				out[string(c.ID)]++
			}
		}
	case search.FacetPrice:
		exp, _ := currency.Exponent()
		unit := int64(1)
		for range exp {
			unit *= 10
		}
		var bounds []int64
		for _, w := range []int64{10, 25, 50, 100, 250, 500, 1000} {
			bounds = append(bounds, w*unit)
		}
		for i := 0; i <= len(bounds); i++ {
			out[bucket(bounds, i)] = 0
		}
		for _, d := range docs {
			p, ok := d.Price(currency)
			if !ok {
				continue
			}
			i := 0
			for i < len(bounds) && p.Amount() >= bounds[i] {
				i++
			}
			out[bucket(bounds, i)]++
		}
	case search.FacetRating:
		for _, b := range []int64{400, 300, 200, 100} {
			v := strconv.FormatInt(b, 10)
			out[v] = 0
			for _, d := range docs {
				if d.RatingHundredths >= b {
					out[v]++
				}
			}
		}
	}
	return out
}

// bucket is the Value of price bucket i of bounds.
func bucket(bounds []int64, i int) string {
	var lo, hi string
	if i > 0 {
		lo = strconv.FormatInt(bounds[i-1], 10)
	}
	if i < len(bounds) {
		hi = strconv.FormatInt(bounds[i], 10)
	}
	return lo + "-" + hi
}
