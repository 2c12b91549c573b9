package bleve

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

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
// one-clause disjunction kept.
func TestQueryMatchesReference(t *testing.T) {
	ctx := context.Background()
	c, err := searchtest.NewCorpusOf(3000)
	require.NoError(t, err)
	x, err := New(&Options{Path: t.TempDir(), Shards: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = x.Close(ctx) })
	require.NoError(t, c.Load(ctx, x))

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
	compared := 0
	for _, text := range texts {
		for fi, f := range filters {
			for _, s := range sorts {
				q := f
				q.Text, q.Sort = text, s
				name := fmt.Sprintf("%q/filters %d/%s", text, fi, s)
				want := collectFor(t, ctx, x, q, true)
				got := collectFor(t, ctx, x, q, false)
				for shard := range want {
					w, g := want[shard], got[shard]
					require.Equal(t, w.total, g.total, name)
					require.Equal(t, len(w.hits), len(g.hits), name)
					for i := range w.hits {
						require.Equal(t, w.hits[i].rank, g.hits[i].rank, "%s: hit %d", name, i)
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
	require.Greater(t, compared, 20_000, "the queries find hits to compare")
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
