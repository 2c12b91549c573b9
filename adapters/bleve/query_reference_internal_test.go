package bleve

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	blevesearch "github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

// The catalog query finds the same hits, with bit for bit the same
// scores, and so the same order, total and facets, as the query built
// the plain way (referenceTextQuery, referenceFilterQuery): every clause
// scored by bleve before its score is replaced, every match query and
// one-clause disjunction kept. And the page's highlights are those of
// bleve's own highlighting search (referenceHighlight).
func TestSearchMatchesReference(t *testing.T) {
	ctx := context.Background()
	c, err := searchtest.NewCorpusOf(2000)
	require.NoError(t, err)
	x, err := New(&Options{Path: t.TempDir(), Shards: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = x.Close(ctx) })
	require.NoError(t, c.Load(ctx, x))
	// Both searches of a pair should see one set of segments: merges
	// after a bulk load would otherwise change the segments (and so the
	// columns a rank points into) between them.
	require.NoError(t, x.Compact(ctx))

	d := c.Docs[7]
	var attr map[string][]string
	for k, v := range d.Attributes {
		attr = map[string][]string{k: {v}}
		break
	}
	price := func(a int64) *commerce.Money { m := commerce.MustMoney(a, "USD"); return &m }
	texts := []string{
		"", "battery life", "wireless headphones", "leather boots", "espresso", "laptop", "yoga mat",
		"acme pro", "rain jacket", "smart speaker", "iphnoe", "headphnes", "wireless noise headphnes",
		"noise cancelling wireless headphones", "usb c", "lap", "the", "for the", "a", "x",
		"wireless headph", "wireless headphnes", "espres", "headphnes wireless",
		strings.ToLower(d.Title), d.Title, d.SKUs[0],
	}
	filters := []search.Query{
		{},
		{CategoryIDs: []commerce.CategoryID{d.Categories[0].ID}},
		{BrandIDs: []commerce.BrandID{d.BrandID}, PriceMin: price(1000), PriceMax: price(30000), InStockOnly: true},
		{MinRating: 350},
		{MinRating: 400, InStockOnly: true},
		{Attributes: attr},
	}
	sorts := []search.Sort{search.SortRelevance, search.SortPriceAsc, search.SortPriceDesc, search.SortRating, search.SortNewest}
	compared, highlighted := 0, 0
	for ti, text := range texts {
		for fi, f := range filters {
			// Relevance, and another sort in turn.
			for _, s := range []search.Sort{sorts[0], sorts[1+(ti+fi)%(len(sorts)-1)]} {
				q := f
				q.Text, q.Sort = text, s
				name := fmt.Sprintf("%q/filters %d/%s", text, fi, s)
				if text != "" {
					highlighted += sameHighlights(t, ctx, x, q, name)
				}
				want := collectFor(t, ctx, x, q, true)
				got := collectFor(t, ctx, x, q, false)
				for shard := range want {
					w, g := want[shard], got[shard]
					require.Equal(t, w.total, g.total, name)
					require.Equal(t, len(w.hits), len(g.hits), name)
					for i := range w.hits {
						// The rank's sort keys and product; its columns are
						// those of the snapshot each search read.
						wr, gr := w.hits[i].rank, g.hits[i].rank
						require.Equal(t, [2]uint64{wr.a, wr.b}, [2]uint64{gr.a, gr.b}, "%s: hit %d", name, i)
						require.Equal(t, wr.pid, gr.pid, "%s: hit %d", name, i)
						require.Equal(t, math.Float64bits(w.hits[i].score), math.Float64bits(g.hits[i].score), "%s: hit %d", name, i)
					}
					require.Equal(t, w.brands, g.brands, name)
					require.Equal(t, w.categories, g.categories, name)
					require.Equal(t, w.prices, g.prices, name)
					require.Equal(t, w.ratings, g.ratings, name)
					compared += len(w.hits)
				}
			}
		}
	}
	require.Greater(t, compared, 10_000, "the queries find hits to compare")
	require.Greater(t, highlighted, 1000, "the queries find highlights to compare")
}

// sameHighlights checks that the highlights of q's first page are those
// referenceHighlight finds for its hits, and returns how many hits have
// highlights.
func sameHighlights(t *testing.T, ctx context.Context, x *Index, q search.Query, name string) int {
	t.Helper()
	req := search.Request{Query: q, Limit: 40}
	req.Query.Currency = "USD"
	res, err := x.Search(ctx, req)
	require.NoError(t, err, name)
	want := slices.Clone(res.Matches)
	for i := range want {
		want[i].Highlights = nil
	}
	if len(want) > 0 {
		require.NoError(t, x.referenceHighlight(ctx, q.Text, want), name)
	}
	n := 0
	for i := range want {
		require.Equal(t, want[i].Highlights, res.Matches[i].Highlights, "%s: hit %d", name, i)
		if want[i].Highlights != nil {
			n++
		}
	}
	return n
}

// collectFor collects every hit of q on every shard, as Search would
// before paging, with the query built the plain way or not.
func collectFor(t *testing.T, ctx context.Context, x *Index, q search.Query, reference bool) []*collected {
	t.Helper()
	p := &plan{sort: q.Sort, currency: "USD", limit: math.MaxInt32, brands: true, categories: true,
		priceFacet: true, priceBounds: []int64{1000, 5000, 20000}, ratingFacet: true}
	if q.PriceMin != nil || q.PriceMax != nil {
		p.filterPrice, p.lo, p.hi = true, q.PriceMin.Amount(), q.PriceMax.Amount()
	}
	filter := filterQuery(q)
	if reference {
		filter = referenceFilterQuery(q)
	}
	var main query.Query
	switch {
	case q.Text != "":
		reviewed, err := x.reviewedProducts(ctx, q.Text)
		require.NoError(t, err)
		_, kept := x.queryWords(q.Text)
		shape := x.misspelt(kept)
		var match query.Query
		var score []query.Query
		if reference {
			match, score = x.referenceTextQuery(q.Text, shape, reviewed)
		} else {
			match, score = x.textQuery(q.Text, shape, reviewed)
		}
		must := []query.Query{match}
		if filter != nil {
			must = append(must, filter)
		}
		main = query.NewBooleanQuery(must, score, nil)
	case filter != nil:
		main = filter
	case reference:
		main = constant(query.NewMatchAllQuery(), 0)
	default:
		main = flat(query.NewMatchAllQuery(), 0)
	}
	found, err := x.collectAll(ctx, main, p)
	for _, f := range found {
		if f != nil {
			_ = f.snap.Close()
		}
	}
	require.NoError(t, err)
	return found
}

// referenceTextQuery is textQuery built the plain way.
func (x *Index) referenceTextQuery(text string, misspelt string, reviewed []string) (match query.Query, score []query.Query) {
	words, kept := x.queryWords(text)
	var alternatives []query.Query
	if len(kept) > 0 {
		// A word is found in one field holding all the text (or,
		// misspelt or unfinished, in the title), so the words'
		// conjunction walks few posting lists.
		find := make([]query.Query, len(kept))
		for i, w := range kept {
			clauses := []query.Query{constant(matchField(fieldAllText, w), weightAnywhere)}
			if misspelt[i] == '1' {
				fq := query.NewFuzzyQuery(w)
				fq.SetField(fieldTitleRaw)
				fq.SetFuzziness(fuzziness(w))
				clauses = append(clauses, constant(fq, weightTitleFuzzy))
			}
			if i == len(kept)-1 && utf8.RuneCountInString(w) >= 2 {
				pq := query.NewPrefixQuery(w)
				pq.SetField(fieldTitleRaw)
				clauses = append(clauses, constant(pq, weightTitlePrefix))
			}
			find[i] = query.NewDisjunctionQuery(clauses)
			score = append(score, constant(matchField(fieldTitle, w), weightTitle))
		}
		alternatives = append(alternatives, query.NewConjunctionQuery(find))
		if len(words) > 1 {
			score = append(score, constant(phrase(fieldTitle, text), weightTitlePhrase))
		}
	}
	if !strings.ContainsAny(text, " \t\n") {
		alternatives = append(alternatives, constant(term(fieldSKUs, strings.ToLower(text)), weightSKU))
	}
	if len(reviewed) > 0 {
		alternatives = append(alternatives, constant(query.NewDocIDQuery(reviewed), weightReviews))
	}
	if len(alternatives) == 0 {
		return query.NewMatchNoneQuery(), nil
	}
	return query.NewDisjunctionQuery(alternatives), score
}

// referenceFilterQuery is filterQuery built the plain way.
func referenceFilterQuery(q search.Query) query.Query {
	var fs []query.Query
	if len(q.CategoryIDs) > 0 {
		ids := make([]string, len(q.CategoryIDs))
		for i, id := range q.CategoryIDs {
			ids[i] = string(id)
		}
		fs = append(fs, anyTerm(fieldCategoryIDs, ids))
	}
	if len(q.BrandIDs) > 0 {
		ids := make([]string, len(q.BrandIDs))
		for i, id := range q.BrandIDs {
			ids[i] = string(id)
		}
		fs = append(fs, anyTerm(fieldBrandID, ids))
	}
	if q.MinRating > 0 {
		// One posting list per step of ratingStep answers the usual "4
		// stars and up" at once; a minimum between steps adds the exact
		// range, which then only has to check what the step let through.
		if step := q.MinRating / ratingStep * ratingStep; step > 0 {
			fs = append(fs, term(fieldRatingAtLeast, strconv.FormatInt(step, 10)))
		}
		if q.MinRating%ratingStep != 0 {
			lo, inclusive := float64(q.MinRating), true
			r := query.NewNumericRangeInclusiveQuery(&lo, nil, &inclusive, nil)
			r.SetField(fieldRating)
			fs = append(fs, r)
		}
	}
	if q.InStockOnly {
		b := query.NewBoolFieldQuery(true)
		b.SetField(fieldInStock)
		fs = append(fs, b)
	}
	for k, vs := range q.Attributes {
		pairs := make([]string, len(vs))
		for i, v := range vs {
			pairs[i] = k + sep + v
		}
		fs = append(fs, anyTerm(fieldAttrs, pairs))
	}
	switch len(fs) {
	case 0:
		return nil
	case 1:
		return constant(fs[0], 0)
	default:
		return constant(query.NewConjunctionQuery(fs), 0)
	}
}

// referenceHighlight is highlight as a search request of its own through
// the shards' alias, bleve's way. It looks the words up again
// in the highlighted fields of the page's hits alone: asking the main
// query for highlights would make every term searcher read the positions
// of every candidate, where only a page's worth are shown.
func (x *Index) referenceHighlight(ctx context.Context, text string, matches []search.Match) error {
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = string(m.ProductID)
	}
	var marks []query.Query
	words := x.words(text)
	for i, w := range words {
		marks = append(marks, matchField(fieldTitle, w), matchField(fieldDescription, w))
		if f := fuzziness(w); f > 0 && !x.known(w) {
			fq := query.NewFuzzyQuery(w)
			fq.SetField(fieldTitleRaw)
			fq.SetFuzziness(f)
			marks = append(marks, fq)
		}
		if i == len(words)-1 {
			pq := query.NewPrefixQuery(w)
			pq.SetField(fieldTitleRaw)
			marks = append(marks, pq)
		}
	}
	q := query.NewConjunctionQuery([]query.Query{query.NewDocIDQuery(ids), query.NewDisjunctionQuery(marks)})
	req := blevesearch.NewSearchRequestOptions(q, len(ids), 0, false)
	req.Highlight = blevesearch.NewHighlight()
	for _, f := range []string{fieldTitle, fieldTitleRaw, fieldDescription} {
		req.Highlight.AddField(f)
	}
	res, err := x.catalog.all.SearchInContext(ctx, req)
	if err == nil {
		err = statusError(res)
	}
	if err != nil {
		return classify("highlight", err)
	}
	byID := make(map[string]*bsearch.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	for i := range matches {
		if h := byID[string(matches[i].ProductID)]; h != nil {
			matches[i].Highlights = highlights(h)
		}
	}
	return nil
}
