package bleve

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mercatohq/mercato/search"
)

// The weights of what a word of the text can match. A hit's score is
// the sum over the query's words of the weights of the fields the word
// matched (bleve scales a disjunction by the share of its clauses that
// matched, which only widens the gaps), plus the phrase, SKU and review
// bonuses. The weights are fixed, not TF-IDF: a product's score for a
// query depends on that product alone, never on what else is indexed, so
// keyset paging by score stays exact while other products are written.
const (
	weightTitleExact   = 8 // the word, as typed, in the title
	weightTitleStemmed = 6 // the word's stem in the title ("headphone" for "headphones")
	weightBrand        = 6
	weightCategory     = 5
	weightTitleFuzzy   = 4 // a misspelling of a title word ("iphnoe")
	weightTitleNear    = 2 // ... by one edit, for words allowed two: closer typos first
	weightTitlePrefix  = 3 // the start of a title word, for the last word only
	weightAttribute    = 3
	weightDescription  = 2
	weightTitlePhrase  = 10  // every word, in order, in the title
	weightSKU          = 20  // the whole text is a SKU
	weightReviews      = 0.2 // the product's reviews match the text: below a word in the description
)

// constant gives every hit of q the score w, whatever bleve's own
// scoring would say.
func constant(q query.Query, w float64) query.Query {
	return query.NewCustomScoreQueryWithScorer(q, func(context.Context, *bsearch.DocumentMatch) (float64, error) {
		return w, nil
	}, nil, nil)
}

func term(field, value string) *query.TermQuery {
	q := query.NewTermQuery(value)
	q.SetField(field)
	return q
}

func match(field, text string) *query.MatchQuery {
	q := query.NewMatchQuery(text)
	q.SetField(field)
	return q
}

func anyTerm(field string, values []string) query.Query {
	qs := make([]query.Query, len(values))
	for i, v := range values {
		qs[i] = term(field, v)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// fuzziness is the edit distance a word may be misspelt by: none for
// words of up to three letters, where it would match everything, one up
// to five, two beyond, so "iphnoe" finds "iphone" even where a
// transposition counts as two edits.
func fuzziness(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 3:
		return 0
	case n <= 5:
		return 1
	default:
		return 2
	}
}

// words splits text into the lower-cased words the title_raw field holds.
func (x *Index) words(text string) []string {
	a := x.catalog.mapping.AnalyzerNamed(analyzerWords)
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out
}

// isStopWord reports whether English analysis drops w ("the", "for").
func (x *Index) isStopWord(w string) bool {
	return len(x.catalog.mapping.AnalyzerNamed(en.AnalyzerName).Analyze([]byte(w))) == 0
}

// textQuery is the catalog query for text: every word matching somewhere,
// or the title holding the phrase, or the text being a SKU, or the
// product being one of reviewed.
func (x *Index) textQuery(text string, reviewed []string) query.Query {
	words := x.words(text)
	var kept []string
	for _, w := range words {
		if !x.isStopWord(w) {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = words // only stop words: they must match as typed
	}
	var alternatives []query.Query
	if len(kept) > 0 {
		perWord := make([]query.Query, len(kept))
		for i, w := range kept {
			clauses := []query.Query{
				constant(term(fieldTitleRaw, w), weightTitleExact),
				constant(match(fieldTitle, w), weightTitleStemmed),
				constant(match(fieldBrandName, w), weightBrand),
				constant(match(fieldCategoryNames, w), weightCategory),
				constant(match(fieldAttrText, w), weightAttribute),
				constant(match(fieldDescription, w), weightDescription),
			}
			if f := fuzziness(w); f > 0 {
				fq := query.NewFuzzyQuery(w)
				fq.SetField(fieldTitleRaw)
				fq.SetFuzziness(f)
				clauses = append(clauses, constant(fq, weightTitleFuzzy))
				if f > 1 {
					near := query.NewFuzzyQuery(w)
					near.SetField(fieldTitleRaw)
					near.SetFuzziness(1)
					clauses = append(clauses, constant(near, weightTitleNear))
				}
			}
			if i == len(kept)-1 && utf8.RuneCountInString(w) >= 2 {
				pq := query.NewPrefixQuery(w)
				pq.SetField(fieldTitleRaw)
				clauses = append(clauses, constant(pq, weightTitlePrefix))
			}
			perWord[i] = query.NewDisjunctionQuery(clauses)
		}
		alternatives = append(alternatives, query.NewConjunctionQuery(perWord))
		if len(words) > 1 {
			pq := query.NewMatchPhraseQuery(text)
			pq.SetField(fieldTitle)
			alternatives = append(alternatives, constant(pq, weightTitlePhrase))
		}
	}
	if !strings.ContainsAny(text, " \t\n") {
		alternatives = append(alternatives, constant(term(fieldSKUs, strings.ToLower(text)), weightSKU))
	}
	if len(reviewed) > 0 {
		alternatives = append(alternatives, constant(query.NewDocIDQuery(reviewed), weightReviews))
	}
	if len(alternatives) == 0 {
		return query.NewMatchNoneQuery()
	}
	return query.NewDisjunctionQuery(alternatives)
}

// filterQuery is every filter of q, scoring 0, or nil without filters.
func filterQuery(q search.Query) query.Query {
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
	if q.PriceMin != nil || q.PriceMax != nil {
		var lo, hi *float64
		if q.PriceMin != nil {
			v := float64(q.PriceMin.Amount())
			lo = &v
		}
		if q.PriceMax != nil {
			v := float64(q.PriceMax.Amount())
			hi = &v
		}
		inclusive := true
		r := query.NewNumericRangeInclusiveQuery(lo, hi, &inclusive, &inclusive)
		r.SetField(priceField(q))
		fs = append(fs, r)
	}
	if q.MinRating > 0 {
		lo, inclusive := float64(q.MinRating), true
		r := query.NewNumericRangeInclusiveQuery(&lo, nil, &inclusive, nil)
		r.SetField(fieldRating)
		fs = append(fs, r)
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

func priceField(q search.Query) string { return fieldPrice + "." + string(q.Currency) }

// sortOrder is the bleve sort of s, always ending with the document ID so
// the order is total.
func sortOrder(q search.Query) bsearch.SortOrder {
	id := &bsearch.SortDocID{}
	field := func(name string, desc bool) *bsearch.SortField {
		return &bsearch.SortField{Field: name, Desc: desc, Missing: bsearch.SortFieldMissingLast}
	}
	switch q.Sort {
	case search.SortPriceAsc:
		return bsearch.SortOrder{field(priceField(q), false), id}
	case search.SortPriceDesc:
		return bsearch.SortOrder{field(priceField(q), true), id}
	case search.SortRating:
		return bsearch.SortOrder{field(fieldRating, true), field(fieldRatingCount, true), id}
	case search.SortNewest:
		return bsearch.SortOrder{field(fieldCreated, true), id}
	default:
		return bsearch.SortOrder{&bsearch.SortScore{Desc: true}, field(fieldRating, true), id}
	}
}
