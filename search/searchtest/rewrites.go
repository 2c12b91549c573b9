package searchtest

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// testFacetsAfterRewrites rewrites and deletes products, round after
// round, and checks after each that the totals, the facets, the price
// filter and the sorts are those of the products as they now are: an
// index that keeps what filters, facets and sorts read apart from its
// text must keep it exact under updates and deletions.
func testFacetsAfterRewrites(t *testing.T, ctx context.Context, c *Corpus, newIndex NewIndex) {
	idx := open(t, newIndex)
	require.NoError(t, c.Load(ctx, idx))
	svc := service(t, idx, "USD")
	current := map[commerce.ProductID]search.Document{}
	for _, d := range c.Docs {
		current[d.ProductID] = d
	}
	brands := c.Taxonomy.Brands
	cats := map[commerce.CategoryID]string{}
	for _, cat := range c.Taxonomy.Categories {
		cats[cat.ID] = cat.Name
	}
	money := func(a int64) *commerce.Money { m := commerce.MustMoney(a, "USD"); return &m }
	facets := []string{search.FacetBrand, search.FacetCategory, search.FacetPrice, search.FacetRating}
	queries := []search.Query{
		{Facets: facets, PageSize: 100},
		{Text: "wireless", Facets: facets, PageSize: 100},
		{PriceMin: money(3000), PriceMax: money(30000), Sort: search.SortPriceAsc, Facets: facets, PageSize: 100},
		{Sort: search.SortPriceDesc, InStockOnly: true, Facets: facets, PageSize: 100},
		{Sort: search.SortRating, MinRating: 200, Facets: facets, PageSize: 100},
		{Sort: search.SortNewest, Facets: facets, PageSize: 100},
	}
	check := func(round int) {
		t.Helper()
		docs := slices.Collect(maps.Values(current))
		for _, q := range queries {
			res, err := svc.Search(ctx, q)
			require.NoError(t, err)
			hits := all(t, ctx, svc, q)
			got := make([]search.Document, len(hits))
			for i, h := range hits {
				got[i] = h.Document
				require.Equal(t, current[h.ProductID], h.Document, "round %d: %+v returns the product as last written", round, q)
			}
			want := filter(docs, q, "USD")
			if q.Text != "" {
				want = filter(got, q, "USD") // the text's hits; the filters must hold on them
			}
			sameSet(t, docIDs(want), ids(hits), "round %d: %+v", round, q)
			require.Equal(t, len(want), res.Total, "round %d: %+v", round, q)
			requireSorted(t, q.Sort, "USD", hits, "round %d: %+v", round, q)
			for _, f := range facets {
				counts := map[string]int{}
				for _, fc := range res.Facets[f] {
					counts[fc.Value] = fc.Count
					if f == search.FacetCategory {
						require.Equal(t, cats[commerce.CategoryID(fc.Value)], fc.Name, "round %d: category names", round)
					}
				}
				require.Equal(t, facetCounts(f, want, "USD"), counts, "round %d: %+v: facet %s", round, q, f)
			}
		}
	}
	check(0)
	for round := 1; round <= 3; round++ {
		var rewrite []search.Document
		var drop []commerce.ProductID
		n := 0
		for _, id := range slices.Sorted(maps.Keys(current)) {
			n++
			d := current[id]
			switch (n + round) % 7 {
			case 0:
				drop = append(drop, id)
				delete(current, id)
				continue
			case 1:
				// Another brand, another price, another rating.
				b := brands[(n+round)%len(brands)]
				d.BrandID, d.BrandName = b.ID, b.Name
				d.Prices = []commerce.Money{commerce.MustMoney(int64(100+n*37%90000), "USD"), commerce.MustMoney(int64(200+n), "EUR")}
				d.RatingHundredths, d.RatingCount = int64((n*13+round)%501), int64(n%9)
			case 2:
				// Fewer categories, out of stock, no price in USD.
				d.Categories = d.Categories[:min(1, len(d.Categories))]
				d.InStock = !d.InStock
				d.Prices = []commerce.Money{commerce.MustMoney(999, "GBP")}
			case 3:
				d.Title += " wireless"
				d.CreatedAt = d.CreatedAt.Add(-1e9 * 3600 * 24 * 365)
			default:
				continue
			}
			current[id] = d
			rewrite = append(rewrite, d)
		}
		// A new product too, from a copy.
		fresh := renamed(c.Docs[round])
		current[fresh.ProductID] = fresh
		rewrite = append(rewrite, fresh)
		// In many small writes, which an index may merge as it goes.
		const batch = 10
		for i := 0; i < len(rewrite); i += batch {
			require.NoError(t, idx.Index(ctx, rewrite[i:min(i+batch, len(rewrite))]...))
		}
		require.NoError(t, idx.Batch(ctx, search.Batch{DeleteProducts: drop}))
		check(round)
	}
}
