package bleve

import (
	"context"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// phrase matches the documents holding text's words in field in order,
// next to each other (a stop word left out keeps its place), as bleve's
// MatchPhraseQuery does, without slop or fuzziness. It serves a scoring
// clause, where only whether a document matched counts: bleve's phrase
// searcher builds two maps of term locations for every document holding
// all the words, garbage that a broad query made by the thousand, where
// this reads the positions from the conjunction's match as they are.
func phrase(field, text string) query.Query { return &phraseQuery{field: field, text: text} }

type phraseQuery struct{ field, text string }

func (q *phraseQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	tokens := m.AnalyzerNamed(m.AnalyzerNameForPath(q.field)).Analyze([]byte(q.text))
	if len(tokens) == 0 {
		return query.NewMatchNoneQuery().Searcher(ctx, r, m, options)
	}
	first := tokens[0].Position
	for _, t := range tokens {
		first = min(first, t.Position)
	}
	// The phrase's terms by their place in it, from 0; two terms at one
	// place (which the analyzers used here do not make) are left to
	// bleve.
	var terms []string
	var places []int
	seen := map[int]bool{}
	for _, t := range tokens {
		place := t.Position - first
		if seen[place] {
			pq := query.NewMatchPhraseQuery(q.text)
			pq.SetField(q.field)
			return pq.Searcher(ctx, r, m, options)
		}
		seen[place] = true
		terms, places = append(terms, string(t.Term)), append(places, place)
	}
	options.IncludeTermVectors = true
	ss := make([]bsearch.Searcher, 0, len(terms))
	closeAll := func() {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	for _, t := range terms {
		s, err := searcher.NewTermSearcher(ctx, r, t, q.field, 1, options)
		if err != nil {
			closeAll()
			return nil, err
		}
		ss = append(ss, s)
	}
	conj, err := searcher.NewConjunctionSearcher(ctx, r, ss, options)
	if err != nil {
		closeAll()
		return nil, err
	}
	return &phraseSearcher{Searcher: conj, field: q.field, terms: terms, places: places}, nil
}

// phraseSearcher filters the matches of the conjunction of a phrase's
// terms down to those with the terms in place.
type phraseSearcher struct {
	bsearch.Searcher
	field  string
	terms  []string
	places []int
}

func (s *phraseSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if err != nil || d == nil || s.inPlace(d) {
			return d, err
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *phraseSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if err != nil || d == nil || s.inPlace(d) {
		return d, err
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}

// inPlace reports whether some location of the first term has every
// other term at its place after it, in the same array element.
func (s *phraseSearcher) inPlace(d *bsearch.DocumentMatch) bool {
	locs := d.FieldTermLocations
next:
	for _, a := range locs {
		if a.Field != s.field || a.Term != s.terms[0] {
			continue
		}
		for i := 1; i < len(s.terms); i++ {
			want := a.Location.Pos + uint64(s.places[i]-s.places[0])
			found := false
			for _, b := range locs {
				if b.Field == s.field && b.Term == s.terms[i] && b.Location.Pos == want && b.Location.ArrayPositions.Equals(a.Location.ArrayPositions) {
					found = true
					break
				}
			}
			if !found {
				continue next
			}
		}
		return true
	}
	return false
}
