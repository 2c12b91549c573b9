package search

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of Options.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
	// DefaultSuggestions is the number of suggestions Suggest returns
	// for n = 0; MaxSuggestions the most it returns.
	DefaultSuggestions = 10
	MaxSuggestions     = 50
	// MaxPrefixLength bounds Suggest's prefix in bytes.
	MaxPrefixLength = 100
)

// Options configures a Service. A nil *Options, or a zero field, takes the
// documented default.
type Options struct {
	// Currency is the currency of queries that name none. Empty means
	// none: such a query may not filter, sort or facet by price.
	Currency commerce.Currency
	// DefaultPageSize is the page size of queries that ask for none.
	// Default DefaultPageSize (20).
	DefaultPageSize int
	// MaxPageSize is the largest page a query may ask for. Default
	// MaxPageSize (100).
	MaxPageSize int
	// PriceFacetBounds are the bucket bounds of the price facet, per
	// currency, in ascending minor units. A currency without bounds gets
	// 10, 25, 50, 100, 250, 500 and 1000 whole units.
	PriceFacetBounds map[commerce.Currency][]int64
}

// Service searches an Index: it validates and normalises queries, keeps
// the page cursors, and labels facets, so every Index adapter stays a
// plain translation. It is safe for concurrent use.
type Service struct {
	index Index
	opts  Options
}

// NewService returns a Service over index. opts may be nil.
func NewService(index Index, opts *Options) (*Service, error) {
	if index == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "search: NewService needs an index")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Currency != "" && !o.Currency.Valid() {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "search: unknown default currency %q", o.Currency).WithDetail("field", "currency")
	}
	if o.DefaultPageSize == 0 {
		o.DefaultPageSize = DefaultPageSize
	}
	if o.MaxPageSize == 0 {
		o.MaxPageSize = MaxPageSize
	}
	if o.DefaultPageSize < 0 || o.MaxPageSize < 0 || o.DefaultPageSize > o.MaxPageSize {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "search: page sizes must be positive, the default at most the maximum (%d, %d)", o.DefaultPageSize, o.MaxPageSize)
	}
	for c, bounds := range o.PriceFacetBounds {
		if !c.Valid() {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "search: price facet bounds for unknown currency %q", c)
		}
		for i, b := range bounds {
			if b < 0 || (i > 0 && b <= bounds[i-1]) {
				return nil, commerce.Errorf(commerce.CodeInvalidArgument, "search: price facet bounds of %s must be ascending and not negative", c)
			}
		}
	}
	return &Service{index: index, opts: o}, nil
}

// Search runs q and returns one page of hits. Bad input is
// CodeInvalidArgument with the offending field in the "field" detail: an
// inverted price range, a price in another currency than the query's or
// in a query without one, an unknown sort or facet, a page size out of
// range, a malformed cursor or one minted for another query.
func (s *Service) Search(ctx context.Context, q Query) (Result, error) {
	n, err := s.normalize(q)
	if err != nil {
		return Result{}, err
	}
	var after []string
	if q.Cursor != "" {
		if after, err = decodeCursor(q.Cursor, n); err != nil {
			return Result{}, err
		}
	}
	req := Request{Query: n, After: after, Limit: n.PageSize + 1}
	for _, f := range n.Facets {
		switch f {
		case FacetPrice:
			req.PriceBuckets = s.priceBounds(n.Currency)
		case FacetRating:
			req.RatingBuckets = ratingBuckets()
		}
	}
	resp, err := s.index.Search(ctx, req)
	if err != nil {
		return Result{}, err
	}
	res := Result{Hits: make([]Hit, 0, min(len(resp.Matches), n.PageSize)), Total: resp.Total}
	for i, m := range resp.Matches {
		if i == n.PageSize {
			next, err := encodeCursor(resp.Matches[i-1].SortKey, n)
			if err != nil {
				return Result{}, err
			}
			res.NextCursor = next
			break
		}
		res.Hits = append(res.Hits, m.Hit)
	}
	if len(n.Facets) > 0 {
		res.Facets = make(map[string][]FacetCount, len(n.Facets))
		for _, f := range n.Facets {
			res.Facets[f] = s.label(f, n.Currency, req, resp.Facets[f])
		}
	}
	return res, nil
}

// Suggest returns up to n completions of the last word of prefix (n = 0
// is DefaultSuggestions), most frequent first: "wireless head" may give
// "wireless headphones". An empty or oversized prefix, or n out of range,
// is CodeInvalidArgument.
func (s *Service) Suggest(ctx context.Context, prefix string, n int) ([]Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	switch {
	case prefix == "":
		return nil, invalid("prefix", "a suggestion needs a prefix")
	case len(prefix) > MaxPrefixLength:
		return nil, invalid("prefix", "the prefix is longer than %d bytes", MaxPrefixLength)
	case !utf8.ValidString(prefix):
		return nil, invalid("prefix", "the prefix is not valid UTF-8")
	case n < 0 || n > MaxSuggestions:
		return nil, invalid("n", "the number of suggestions must be between 0 and %d, got %d", MaxSuggestions, n)
	case n == 0:
		n = DefaultSuggestions
	}
	out, err := s.index.Suggest(ctx, SuggestRequest{Prefix: prefix, Limit: n})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = []Suggestion{}
	}
	return out, nil
}

// priceBounds returns the price facet's bounds in currency c.
func (s *Service) priceBounds(c commerce.Currency) []int64 {
	if b, ok := s.opts.PriceFacetBounds[c]; ok {
		return b
	}
	exp, _ := c.Exponent()
	unit := int64(1)
	for range exp {
		unit *= 10
	}
	whole := []int64{10, 25, 50, 100, 250, 500, 1000}
	out := make([]int64, len(whole))
	for i, w := range whole {
		out[i] = w * unit
	}
	return out
}

func invalid(field, format string, args ...any) error {
	return commerce.Errorf(commerce.CodeInvalidArgument, "search: "+format, args...).WithDetail("field", field)
}
