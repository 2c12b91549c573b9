package searchtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

func testBadInput(t *testing.T, f *fixture) {
	money := func(amount int64, c commerce.Currency) *commerce.Money {
		m := commerce.MustMoney(amount, c)
		return &m
	}
	page := f.search(search.Query{Text: "wireless", PageSize: 3})
	require.NotEmpty(t, page.NextCursor)
	noCurrency := service(t, f.idx, "")
	for name, tc := range map[string]struct {
		q     search.Query
		svc   *search.Service
		field string
	}{
		"inverted price range":         {q: search.Query{PriceMin: money(5000, "USD"), PriceMax: money(4999, "USD")}, field: "price_min"},
		"price in another currency":    {q: search.Query{Currency: "EUR", PriceMax: money(5000, "USD")}, field: "price_max"},
		"negative price":               {q: search.Query{PriceMin: money(-1, "USD")}, field: "price_min"},
		"price without currency":       {q: search.Query{PriceMin: money(100, "USD")}, svc: noCurrency, field: "price_min"},
		"price sort without currency":  {q: search.Query{Sort: search.SortPriceAsc}, svc: noCurrency, field: "currency"},
		"price facet without currency": {q: search.Query{Facets: []string{search.FacetPrice}}, svc: noCurrency, field: "currency"},
		"unknown currency":             {q: search.Query{Currency: "XXY"}, field: "currency"},
		"unknown sort":                 {q: search.Query{Sort: "cheapest"}, field: "sort"},
		"oversized page":               {q: search.Query{PageSize: search.MaxPageSize + 1}, field: "page_size"},
		"negative page size":           {q: search.Query{PageSize: -1}, field: "page_size"},
		"malformed cursor":             {q: search.Query{Cursor: "!!not a cursor"}, field: "cursor"},
		"forged cursor":                {q: search.Query{Cursor: "eyJrIjpbXX0"}, field: "cursor"},
		"cursor of another text":       {q: search.Query{Text: "leather", Cursor: page.NextCursor}, field: "cursor"},
		"cursor of another sort":       {q: search.Query{Text: "wireless", Sort: search.SortNewest, Cursor: page.NextCursor}, field: "cursor"},
		"cursor of another filter":     {q: search.Query{Text: "wireless", InStockOnly: true, Cursor: page.NextCursor}, field: "cursor"},
		"unknown facet":                {q: search.Query{Facets: []string{"colour"}}, field: "facets"},
		"rating above five stars":      {q: search.Query{MinRating: 501}, field: "min_rating"},
		"negative rating":              {q: search.Query{MinRating: -1}, field: "min_rating"},
		"malformed category":           {q: search.Query{CategoryIDs: []commerce.CategoryID{"cat_nope"}}, field: "category_ids"},
		"brand id of another kind":     {q: search.Query{BrandIDs: []commerce.BrandID{commerce.BrandID(commerce.NewID[commerce.CategoryID]())}}, field: "brand_ids"},
		"empty attribute value":        {q: search.Query{Attributes: map[string][]string{"material": {""}}}, field: "attributes"},
		"attribute without values":     {q: search.Query{Attributes: map[string][]string{"material": nil}}, field: "attributes"},
		"oversized text":               {q: search.Query{Text: strings.Repeat("a", search.MaxTextLength+1)}, field: "text"},
		"text not UTF-8":               {q: search.Query{Text: "caf\xe9"}, field: "text"},
	} {
		svc := f.svc
		if tc.svc != nil {
			svc = tc.svc
		}
		_, err := svc.Search(f.ctx, tc.q)
		requireCode(t, commerce.CodeInvalidArgument, err, name)
		var e *commerce.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, tc.field, e.Details["field"], name)
	}
	// The same query without a currency is fine when it does not use
	// prices.
	_, err := noCurrency.Search(f.ctx, search.Query{Text: "wireless", Facets: []string{search.FacetBrand}})
	require.NoError(t, err)
	_, err = search.NewService(nil, nil)
	requireCode(t, commerce.CodeInvalidArgument, err, "no index")
	_, err = search.NewService(f.idx, &search.Options{Currency: "usd"})
	requireCode(t, commerce.CodeInvalidArgument, err, "malformed default currency")
	_, err = search.NewService(f.idx, &search.Options{PriceFacetBounds: map[commerce.Currency][]int64{"USD": {500, 100}}})
	requireCode(t, commerce.CodeInvalidArgument, err, "descending bounds")
}

func testSuggest(t *testing.T, f *fixture) {
	got, err := f.svc.Suggest(f.ctx, "quok", 5)
	require.NoError(t, err)
	require.Equal(t, []search.Suggestion{{Text: "quokka", Count: 1}}, got)
	got, err = f.svc.Suggest(f.ctx, "Acme quo", 5)
	require.NoError(t, err)
	require.Equal(t, []search.Suggestion{{Text: "acme quokka", Count: 1}}, got, "earlier words narrow the titles")
	got, err = f.svc.Suggest(f.ctx, "head", 0)
	require.NoError(t, err)
	require.NotEmpty(t, got)
	require.LessOrEqual(t, len(got), search.DefaultSuggestions)
	texts := make([]string, len(got))
	for i, s := range got {
		texts[i] = s.Text
		require.True(t, strings.HasPrefix(s.Text, "head"), s.Text)
		if i > 0 {
			require.GreaterOrEqual(t, got[i-1].Count, s.Count, "most frequent first")
		}
	}
	require.Contains(t, texts, "headphones")
	got, err = f.svc.Suggest(f.ctx, "zzzzq", 3)
	require.NoError(t, err)
	require.NotNil(t, got)
	require.Empty(t, got)
	for name, call := range map[string]func() error{
		"empty prefix": func() error { _, err := f.svc.Suggest(f.ctx, " ", 3); return err },
		"too many":     func() error { _, err := f.svc.Suggest(f.ctx, "a", search.MaxSuggestions+1); return err },
		"negative n":   func() error { _, err := f.svc.Suggest(f.ctx, "a", -1); return err },
		"long prefix":  func() error { _, err := f.svc.Suggest(f.ctx, strings.Repeat("a", 101), 3); return err },
		"not UTF-8":    func() error { _, err := f.svc.Suggest(f.ctx, "\xff", 3); return err },
	} {
		requireCode(t, commerce.CodeInvalidArgument, call(), name)
	}
}
