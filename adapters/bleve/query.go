package bleve

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/mercatohq/mercato/search"
)

// The weights of what a word of the text can match. A hit's score is
// the sum over the query's words of the weights of what the word matched
// (bleve scales a disjunction by the share of its clauses that matched,
// which only widens the gaps), plus the phrase, SKU and review bonuses.
// The weights are fixed, not TF-IDF: a product's score for a query
// depends on that product alone, never on what else is indexed, so
// keyset paging by score stays exact while other products are written.
const (
	weightAnywhere    = 2   // the word, stemmed, anywhere: title, brand, categories, attributes, description
	weightTitle       = 8   // ... and in the title ("headphone" finds "Headphones")
	weightTitleFuzzy  = 4   // a misspelling of a title word ("iphnoe"), for words no product has
	weightTitlePrefix = 3   // the start of a title word, for the last word only
	weightTitlePhrase = 10  // every word, in order, in the title
	weightSKU         = 20  // the whole text is a SKU
	weightReviews     = 0.2 // the product's reviews match the text: below any word of the product's own
)

// constant gives every hit of q the score w, whatever bleve's own
// scoring would say. (bleve's CustomScoreQuery would do, but it reads
// every hit's external ID from the stored fields first.)
func constant(q query.Query, w float64) query.Query { return &constantQuery{q: q, w: w} }

// flat is constant for a q that bleve may search without scoring: it
// then reads no term frequencies or norms, and answers a conjunction or
// disjunction of terms from their posting lists' bitmaps at once. That
// changes the searcher's estimate of its hits (Count), which orders the
// clauses of an enclosing conjunction or disjunction and with them the
// order a score's parts are added in, so q must be one whose estimate
// stays the same (a term, a set of document IDs), or w must be 0 beside
// a single other clause (the filters), where the order cannot change a
// sum.
func flat(q query.Query, w float64) query.Query { return &constantQuery{q: q, w: w, unscored: true} }

type constantQuery struct {
	q        query.Query
	w        float64
	unscored bool
}

func (c *constantQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	if c.unscored {
		options.Score = "none"
	}
	s, err := c.q.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	return &constantSearcher{Searcher: s, w: c.w}, nil
}

// Validate lets bleve validate the wrapped query.
func (c *constantQuery) Validate() error {
	if v, ok := c.q.(query.ValidatableQuery); ok {
		return v.Validate()
	}
	return nil
}

type constantSearcher struct {
	bsearch.Searcher
	w float64
}

func (s *constantSearcher) score(d *bsearch.DocumentMatch, err error) (*bsearch.DocumentMatch, error) {
	if d != nil {
		d.Score, d.Expl = s.w, nil
	}
	return d, err
}

func (s *constantSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.score(s.Searcher.Next(ctx))
}

func (s *constantSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.score(s.Searcher.Advance(ctx, id))
}

func term(field, value string) *query.TermQuery {
	q := query.NewTermQuery(value)
	q.SetField(field)
	return q
}

// flatWord is flat(matchField(field, w), weight) for a word w: a term
// query for the one term field's analyzer makes of w, without the
// disjunction of one clause a match query would put around it, whose
// score (the clause's times 1/1) and estimate of hits are the term's.
// A word analysed into no term or several stays a match query.
func (x *Index) flatWord(field, w string, weight float64) query.Query {
	m := x.catalog.mapping
	tokens := m.AnalyzerNamed(m.AnalyzerNameForPath(field)).Analyze([]byte(w))
	if len(tokens) != 1 {
		return constant(matchField(field, w), weight)
	}
	return flat(term(field, string(tokens[0].Term)), weight)
}

// anyOf is the disjunction of qs, or qs[0] alone: a disjunction of one
// clause scores it times 1/1 and estimates its hits as the clause does.
func anyOf(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// allOf is the conjunction of qs, or qs[0] alone: a conjunction of one
// clause scores and estimates as the clause does.
func allOf(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func matchField(field, text string) *query.MatchQuery {
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
// to seven, two beyond. bleve's automaton counts a transposition as one
// edit, so "iphnoe" finds "iphone" at distance one.
func fuzziness(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n <= 3:
		return 0
	case n <= 7:
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

// known reports whether any product holds w (stemmed) in its text: only
// unknown words are taken for misspellings, which spares the fuzzy
// automaton, and its many near terms, on every correctly spelt word.
func (x *Index) known(w string) bool {
	tokens := x.catalog.mapping.AnalyzerNamed(en.AnalyzerName).Analyze([]byte(w))
	if len(tokens) == 0 {
		return true
	}
	t := tokens[0].Term
	for _, sh := range x.catalog.shards {
		d, err := sh.FieldDictRange(fieldAllText, t, t)
		if err != nil {
			return false
		}
		e, err := d.Next()
		_ = d.Close()
		if err == nil && e != nil {
			return true
		}
	}
	return false
}

// isStopWord reports whether English analysis drops w ("the", "for").
func (x *Index) isStopWord(w string) bool {
	return len(x.catalog.mapping.AnalyzerNamed(en.AnalyzerName).Analyze([]byte(w))) == 0
}

// queryWords splits text into its words and the words a hit must
// match: all but stop words, unless there are only stop words.
func (x *Index) queryWords(text string) (words, kept []string) {
	words = x.words(text)
	for _, w := range words {
		if !x.isStopWord(w) {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = words // only stop words: they must match as typed
	}
	return words, kept
}

// misspelt returns, for each kept word, '1' when it is taken for a
// misspelling (no product has it, and it is long enough for an edit
// distance), '0' otherwise. The answer depends on the index, so a query's
// pages reuse the first page's: it travels in the sort key.
func (x *Index) misspelt(kept []string) string {
	b := make([]byte, len(kept))
	for i, w := range kept {
		b[i] = '0'
		if fuzziness(w) > 0 && !x.known(w) {
			b[i] = '1'
		}
	}
	return string(b)
}

// textQuery is the catalog query for text: what a hit must match (every
// word somewhere, or the whole text as a SKU, or being one of reviewed)
// and what scores it further (the words in the title, the phrase). The
// caller puts the filters beside the match, so the scoring clauses are
// only ever advanced to documents that pass everything. misspelt is as
// the method of that name returns.
func (x *Index) textQuery(text string, misspelt string, reviewed []string) (match query.Query, score []query.Query) {
	words, kept := x.queryWords(text)
	var alternatives []query.Query
	if len(kept) > 0 {
		// A word is found in one field holding all the text (or,
		// misspelt or unfinished, in the title), so the words'
		// conjunction walks few posting lists.
		find := make([]query.Query, len(kept))
		for i, w := range kept {
			clauses := []query.Query{x.flatWord(fieldAllText, w, weightAnywhere)}
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
			find[i] = anyOf(clauses)
			score = append(score, x.flatWord(fieldTitle, w, weightTitle))
		}
		alternatives = append(alternatives, allOf(find))
		if len(words) > 1 {
			score = append(score, constant(phrase(fieldTitle, text), weightTitlePhrase))
		}
	}
	if !strings.ContainsAny(text, " \t\n") {
		alternatives = append(alternatives, flat(term(fieldSKUs, strings.ToLower(text)), weightSKU))
	}
	if len(reviewed) > 0 {
		alternatives = append(alternatives, flat(query.NewDocIDQuery(reviewed), weightReviews))
	}
	if len(alternatives) == 0 {
		return query.NewMatchNoneQuery(), nil
	}
	return anyOf(alternatives), score
}

// filterQuery is every filter of q but the price range, which collect
// checks on the hits from the columns, scoring 0, or nil without
// filters.
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
		return flat(fs[0], 0)
	default:
		return flat(query.NewConjunctionQuery(fs), 0)
	}
}
