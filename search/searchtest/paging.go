package searchtest

import (
	"cmp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// compare orders two hits as sort s in currency must: -1 when a comes
// first. Ties fall to the product ID.
func compare(s search.Sort, currency commerce.Currency, a, b search.Hit) int {
	price := func(h search.Hit, desc bool) (int64, bool) {
		p, ok := h.Document.Price(currency)
		return p.Amount(), ok
	}
	var c int
	switch s {
	case search.SortPriceAsc, search.SortPriceDesc:
		pa, oka := price(a, false)
		pb, okb := price(b, false)
		switch {
		case oka && !okb:
			c = -1 // without a price: last
		case !oka && okb:
			c = 1
		case oka && okb && s == search.SortPriceAsc:
			c = cmp.Compare(pa, pb)
		case oka && okb:
			c = cmp.Compare(pb, pa)
		}
	case search.SortRating:
		c = cmp.Or(cmp.Compare(b.Document.RatingHundredths, a.Document.RatingHundredths), cmp.Compare(b.Document.RatingCount, a.Document.RatingCount))
	case search.SortNewest:
		c = b.Document.CreatedAt.Compare(a.Document.CreatedAt)
	default:
		c = cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Document.RatingHundredths, a.Document.RatingHundredths))
	}
	return cmp.Or(c, strings.Compare(string(a.ProductID), string(b.ProductID)))
}

func requireSorted(t testing.TB, s search.Sort, currency commerce.Currency, hits []search.Hit, msgAndArgs ...any) {
	t.Helper()
	for i := 1; i < len(hits); i++ {
		require.Equal(t, -1, compare(s, currency, hits[i-1], hits[i]), append([]any{"hits %d (%s) and %d (%s) are out of order", i - 1, hits[i-1].Document.Title, i, hits[i].Document.Title}, msgAndArgs...)...)
	}
}

func testSorts(t *testing.T, f *fixture) {
	sorts := []search.Sort{search.SortRelevance, search.SortPriceAsc, search.SortPriceDesc, search.SortRating, search.SortNewest}
	for _, s := range sorts {
		for _, currency := range []commerce.Currency{"USD", "EUR", "GBP"} {
			hits := f.all(search.Query{Sort: s, Currency: currency, PageSize: 100})
			require.Len(t, hits, len(f.c.Docs), "%s in %s lists everything", s, currency)
			requireSorted(t, s, currency, hits, "%s in %s", s, currency)
		}
		for _, text := range []string{"leather", "bluetooth speaker", "battery life"} {
			hits := f.all(search.Query{Text: text, Sort: s, PageSize: 9})
			require.NotEmpty(t, hits, text)
			requireSorted(t, s, "USD", hits, "%q by %s", text, s)
		}
	}
	// Without a price in the currency, last.
	hits := f.all(search.Query{Sort: search.SortPriceAsc, Currency: "EUR", PageSize: 100})
	require.Equal(t, len(hits)-1, slicesIndex(hits, f.c.named[poundsOnly].ProductID))
	hits = f.all(search.Query{Sort: search.SortPriceDesc, Currency: "GBP", PageSize: 100})
	require.Equal(t, 0, slicesIndex(hits, f.c.named[poundsOnly].ProductID), "the only price in GBP")
}

func slicesIndex(hits []search.Hit, id commerce.ProductID) int {
	for i, h := range hits {
		if h.ProductID == id {
			return i
		}
	}
	return -1
}

func testPaging(t *testing.T, f *fixture) {
	// Every page size lists each product once.
	for _, size := range []int{1, 7, 100} {
		q := search.Query{PageSize: size, Sort: search.SortNewest}
		if size == 1 {
			q.CategoryIDs = []commerce.CategoryID{f.c.named[iphone].Categories[1].ID} // phones: a few dozen
		}
		sameSet(t, docIDs(filter(f.c.Docs, q, "USD")), ids(f.all(q)), "page size %d", size)
	}
	// A text query's pages, at any size, hold the hits of one big page.
	q := search.Query{Text: "wireless", PageSize: 100}
	want := f.all(q)
	require.Greater(t, len(want), 20)
	q.PageSize = 6
	got := f.all(q)
	require.Equal(t, ids(want), ids(got), "same hits, same order")

	// The page size may change from page to page; the facets too.
	first := f.search(search.Query{Text: "wireless", PageSize: 5})
	second := f.search(search.Query{Text: "wireless", PageSize: 10, Cursor: first.NextCursor, Facets: []string{search.FacetBrand}})
	require.Equal(t, ids(want[5:15]), ids(second.Hits))

	// The last page has no cursor.
	last := f.search(search.Query{Text: "quokka", PageSize: 100})
	require.Empty(t, last.NextCursor)
	exact := f.search(search.Query{Text: "quokka", PageSize: 2})
	require.Len(t, exact.Hits, 2)
	require.Empty(t, exact.NextCursor, "a page that ends the list exactly has no cursor")
}

func testEmptyQuery(t *testing.T, f *fixture) {
	res := f.search(search.Query{Facets: []string{search.FacetBrand, search.FacetRating}})
	require.Equal(t, len(f.c.Docs), res.Total)
	require.Len(t, res.Hits, search.DefaultPageSize)
	require.NotEmpty(t, res.NextCursor)
	brands := 0
	for _, fc := range res.Facets[search.FacetBrand] {
		brands += fc.Count
	}
	require.Equal(t, len(f.c.Docs), brands, "every product has a brand")
	requireSorted(t, search.SortRelevance, "USD", res.Hits, "best rated first")
	whitespace := f.search(search.Query{Text: "  \t "})
	require.Equal(t, ids(res.Hits), ids(whitespace.Hits), "white space is no text")
}
