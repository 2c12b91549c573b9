package bleve

import (
	"context"
	"strconv"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// priceRange keeps the hits of q whose price key (see priceKeys) in a
// currency lies between lo and hi, both included. It checks each hit the
// rest of the query let through, from the doc values, rather than
// walking a numeric range's dozens of posting lists beside the query:
// the hits that reach a price filter are usually few, the products in a
// price range many.
type priceRange struct {
	q      query.Query
	field  string
	lo, hi uint64
}

func (p *priceRange) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := p.q.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	dv, err := i.DocValueReader([]string{p.field})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	return &priceRangeSearcher{Searcher: s, r: p, dv: dv}, nil
}

// Validate lets bleve validate the wrapped query.
func (p *priceRange) Validate() error {
	if v, ok := p.q.(query.ValidatableQuery); ok {
		return v.Validate()
	}
	return nil
}

type priceRangeSearcher struct {
	bsearch.Searcher
	r  *priceRange
	dv index.DocValueReader
}

// keeps reports whether d's price is in range; a product without a price
// in the currency has no key and is not.
func (s *priceRangeSearcher) keeps(d *bsearch.DocumentMatch) (bool, error) {
	in := false
	err := s.dv.VisitDocValues(d.IndexInternalID, func(_ string, term []byte) {
		if len(term) < 16 {
			return
		}
		price, err := strconv.ParseUint(string(term[:16]), 16, 64)
		in = err == nil && price >= s.r.lo && price <= s.r.hi
	})
	return in, err
}

func (s *priceRangeSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if d == nil || err != nil {
			return d, err
		}
		if ok, err := s.keeps(d); ok || err != nil {
			return d, err
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

func (s *priceRangeSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if d == nil || err != nil {
		return d, err
	}
	if ok, err := s.keeps(d); ok || err != nil {
		return d, err
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}
