package searchtest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// filterQueries are queries with every kind of filter, alone and
// together.
func (f *fixture) filterQueries() map[string]search.Query {
	tax := f.c.Taxonomy
	cat := func(name string) commerce.CategoryID {
		c, ok := tax.CategoryByName(name)
		require.True(f.t, ok, name)
		return c.ID
	}
	brand := func(name string) commerce.BrandID {
		b, ok := tax.BrandByName(name)
		require.True(f.t, ok, name)
		return b.ID
	}
	money := func(amount int64, c commerce.Currency) *commerce.Money {
		m := commerce.MustMoney(amount, c)
		return &m
	}
	return map[string]search.Query{
		"a department and all below":   {CategoryIDs: []commerce.CategoryID{cat("Electronics")}},
		"two leaf categories":          {CategoryIDs: []commerce.CategoryID{cat("Headphones"), cat("Shoes")}},
		"three brands":                 {BrandIDs: []commerce.BrandID{brand("Acme"), brand("Zenith"), brand("Nova")}},
		"a price range in USD":         {PriceMin: money(5000, "USD"), PriceMax: money(20000, "USD")},
		"a minimum price in EUR":       {Currency: "EUR", PriceMin: money(50000, "EUR")},
		"a maximum price, inclusive":   {PriceMax: money(f.c.Docs[3].Prices[1].Amount(), "USD")},
		"a minimum rating":             {MinRating: 400},
		"in stock only":                {InStockOnly: true},
		"one attribute, two values":    {Attributes: map[string][]string{"material": {"leather", "aluminium"}}},
		"two attributes":               {Attributes: map[string][]string{"material": {"leather", "canvas", "suede"}, "closure": {"laces"}}},
		"an attribute nobody has":      {Attributes: map[string][]string{"colourway": {"teal"}}},
		"everything at once":           {CategoryIDs: []commerce.CategoryID{cat("Apparel")}, BrandIDs: []commerce.BrandID{brand("Acme"), brand("Orbit"), brand("Nova"), brand("Cedar"), brand("Drift"), brand("Atlas"), brand("Beacon")}, PriceMax: money(15000, "USD"), InStockOnly: true, MinRating: 300},
		"categories, rating and stock": {CategoryIDs: []commerce.CategoryID{cat("Home"), cat("Sports")}, MinRating: 250, InStockOnly: true},
	}
}

func testFilters(t *testing.T, f *fixture) {
	for name, q := range f.filterQueries() {
		q.PageSize = 50
		want := filter(f.c.Docs, q, "USD")
		got := f.all(q)
		sameSet(t, docIDs(want), ids(got), name)
	}
}

// testFiltersWithText checks that filters narrow a text query exactly:
// its hits are the text's hits that the filters keep.
func testFiltersWithText(t *testing.T, f *fixture) {
	for _, text := range []string{"leather", "wireless headphones", "battery life"} {
		byText := f.all(search.Query{Text: text, PageSize: 100})
		var docs []search.Document
		for _, h := range byText {
			docs = append(docs, h.Document)
		}
		for name, q := range f.filterQueries() {
			q.Text, q.PageSize = text, 100
			sameSet(t, docIDs(filter(docs, q, "USD")), ids(f.all(q)), "%q with %s", text, name)
		}
	}
}

func testFacets(t *testing.T, f *fixture) {
	facets := []string{search.FacetBrand, search.FacetCategory, search.FacetPrice, search.FacetRating}
	queries := f.filterQueries()
	queries["no filter"] = search.Query{}
	queries["text"] = search.Query{Text: "wireless"}
	queries["text and filters"] = search.Query{Text: "shoes", InStockOnly: true, MinRating: 300}
	eur := queries["a minimum price in EUR"]
	for name, q := range queries {
		q.Facets, q.PageSize = facets, 100
		hits := f.all(q)
		docs := make([]search.Document, len(hits))
		for i, h := range hits {
			docs[i] = h.Document
		}
		res := f.search(q)
		currency := commerce.Currency("USD")
		if q.Currency != "" {
			currency = q.Currency
		}
		for _, facet := range facets {
			got := map[string]int{}
			for _, fc := range res.Facets[facet] {
				require.NotContains(t, got, fc.Value, "%s: %s lists %s twice", name, facet, fc.Value)
				got[fc.Value] = fc.Count
				switch facet {
				case search.FacetBrand:
					b, _ := f.c.Taxonomy.BrandByName(fc.Name)
					require.Equal(t, string(b.ID), fc.Value, "%s: brand %s is named", name, fc.Value)
				case search.FacetCategory:
					c, _ := f.c.Taxonomy.CategoryByName(fc.Name)
					require.Equal(t, string(c.ID), fc.Value, "%s: category %s is named", name, fc.Value)
				}
			}
			require.Equal(t, facetCounts(facet, docs, currency), got, "%s: facet %s", name, facet)
		}
	}
	// Price buckets are in the query's currency, with their bounds.
	eur.Facets = []string{search.FacetPrice}
	res := f.search(eur)
	require.Len(t, res.Facets[search.FacetPrice], 8)
	first, last := res.Facets[search.FacetPrice][0], res.Facets[search.FacetPrice][7]
	require.Nil(t, first.Min)
	require.Equal(t, commerce.MustMoney(1000, "EUR"), *first.Max)
	require.Equal(t, "-1000", first.Value)
	require.Equal(t, commerce.MustMoney(100000, "EUR"), *last.Min)
	require.Nil(t, last.Max)
	require.Equal(t, fmt.Sprint(len(f.c.Docs)), fmt.Sprint(f.search(search.Query{}).Total))
}
