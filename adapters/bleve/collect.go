package bleve

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	bdocument "github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// rank places a hit in a query's order: ascending a, then b, then the
// product ID. Each sort maps its values onto a and b (see plan.rank), so
// one comparison serves every sort and a sort key is three strings.
type rank struct {
	a, b uint64
	pid  string
	// cols and pidOrder, when cols is not nil, are the hit's segment's
	// columns and the place of pid in them: two ranks of one segment
	// compare those numbers, in the order of their product IDs, where
	// ties of a and b (hits of equal score, or price) are common.
	cols     *columns
	pidOrder uint32
}

func (r rank) compare(o rank) int {
	if c := cmp.Compare(r.a, o.a); c != 0 {
		return c
	}
	if c := cmp.Compare(r.b, o.b); c != 0 {
		return c
	}
	if r.cols != nil && r.cols == o.cols {
		return cmp.Compare(r.pidOrder, o.pidOrder)
	}
	return strings.Compare(r.pid, o.pid)
}

// noPrice ranks a product without a price in the query's currency after
// every price, in both price sorts.
const noPrice = math.MaxUint64

// plan is what a catalog query collects from each hit besides matching
// it: the price filter, the order, the page and the facets.
type plan struct {
	sort     search.Sort
	currency commerce.Currency
	// The price filter: lo <= price <= hi when filterPrice.
	filterPrice bool
	lo, hi      int64
	after       *rank
	limit       int
	brands      bool
	categories  bool
	// priceBounds are the price facet's bounds, when it is asked for.
	priceFacet  bool
	priceBounds []int64
	ratingFacet bool
}

// rank places document i of c, scored score, in p's order.
func (p *plan) rank(c *columns, i uint64, score float64, price int64) rank {
	r := rank{pid: c.pid(i), cols: c, pidOrder: c.pidOrder[i]}
	switch p.sort {
	case search.SortPriceAsc:
		r.a = noPrice
		if price >= 0 {
			r.a = uint64(price)
		}
	case search.SortPriceDesc:
		r.a = noPrice
		if price >= 0 {
			r.a = uint64(math.MaxInt64 - price)
		}
	case search.SortRating:
		r.a, r.b = uint64(0xfff-c.rating[i]), math.MaxUint64-c.reviews[i]
	case search.SortNewest:
		r.a = c.newest[i]
	default:
		r.a, r.b = ^orderedBits(score), uint64(0xfff-c.rating[i])
	}
	return r
}

// orderedBits maps a float64 to a uint64 of the same order.
func orderedBits(f float64) uint64 {
	b := math.Float64bits(f)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

// sortKey is a match's search.Match.SortKey: its rank and the query's
// shape.
func sortKey(r rank, shape string) []string {
	return []string{fmt.Sprintf("%016x", r.a), fmt.Sprintf("%016x", r.b), r.pid, shapePrefix + shape}
}

// parseAfter reads a SortKey handed out by sortKey.
func parseAfter(key []string, words int) (rank, string, bool) {
	if len(key) != 4 || len(key[0]) != 16 || len(key[1]) != 16 || !validShape(key[3], words) {
		return rank{}, "", false
	}
	a, err1 := strconv.ParseUint(key[0], 16, 64)
	b, err2 := strconv.ParseUint(key[1], 16, 64)
	if err1 != nil || err2 != nil {
		return rank{}, "", false
	}
	return rank{a: a, b: b, pid: key[2]}, strings.TrimPrefix(key[3], shapePrefix), true
}

// hit is one document of a shard's page.
type hit struct {
	rank
	score float64
	seg   int
	local uint64
	num   uint64 // the document's number in its shard's snapshot
	shard int
}

// collected is what one shard found.
type collected struct {
	snap       *scorch.IndexSnapshot
	hits       []hit // best first
	total      int
	brands     map[string]int // "id\x1fname" to count
	categories map[string]int
	prices     []int // per price bucket
	ratings    []int // per rating in hundredths
}

// collect runs q on one shard's snapshot and gathers p's page, total and
// facets from every hit, reading the columns rather than the doc values:
// a hit costs a few array reads, and one comparison with the page's worst
// hit kept in a heap, whatever the sort.
func (x *Index) collect(ctx context.Context, shard int, snap *scorch.IndexSnapshot, q query.Query, p *plan) (*collected, error) {
	cols, offsets, err := x.columns[shard].of(snap)
	if err != nil {
		return nil, err
	}
	s, err := q.Searcher(ctx, snap, x.catalog.mapping, bsearch.SearcherOptions{})
	if err != nil {
		return nil, err
	}
	// Every match s returns goes back to the pool at once, so a pool
	// from an earlier query holds about what s needs (and allocates on
	// demand beyond that); the matches s keeps are lost with s.
	pool, _ := x.matches.Get().(*bsearch.DocumentMatchPool)
	if pool == nil {
		pool = bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)
	}
	defer func() {
		_ = s.Close()
		x.matches.Put(pool)
	}()
	sctx := &bsearch.SearchContext{DocumentMatchPool: pool, IndexReader: snap}

	out := &collected{snap: snap}
	var brandCounts, catCounts [][]int
	if p.brands {
		brandCounts = make([][]int, len(cols))
	}
	if p.categories {
		catCounts = make([][]int, len(cols))
	}
	if p.priceFacet {
		out.prices = make([]int, len(p.priceBounds)+1)
	}
	if p.ratingFacet {
		out.ratings = make([]int, 0xfff+1)
	}
	top := &pageHeap{limit: p.limit}
	seg, base, end := -1, uint64(0), uint64(0)
	var c *columns
	var prices []int64
	for n := 0; ; n++ {
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		num, score := d.IndexInternalID.Value(), d.Score
		sctx.DocumentMatchPool.Put(d)
		if num < base || num >= end {
			seg = sort.Search(len(cols), func(i int) bool { return offsets[i+1] > num })
			if seg == len(cols) {
				return nil, fmt.Errorf("document %d beyond the snapshot", num)
			}
			c, base, end, prices = cols[seg], offsets[seg], offsets[seg+1], cols[seg].prices[p.currency]
			if brandCounts != nil && brandCounts[seg] == nil {
				brandCounts[seg] = make([]int, len(c.values))
			}
			if catCounts != nil && catCounts[seg] == nil {
				catCounts[seg] = make([]int, len(c.values))
			}
		}
		i := num - base
		price := int64(-1)
		if prices != nil {
			price = prices[i]
		}
		if p.filterPrice && (price < 0 || price < p.lo || price > p.hi) {
			continue
		}
		out.total++
		if brandCounts != nil {
			if b := c.brand[i]; b >= 0 {
				brandCounts[seg][b]++
			}
		}
		if catCounts != nil {
			for _, v := range c.cats[c.catStart[i]:c.catStart[i+1]] {
				catCounts[seg][v]++
			}
		}
		if out.prices != nil && price >= 0 {
			b, _ := slices.BinarySearch(p.priceBounds, price+1) // the first bound above the price
			out.prices[b]++
		}
		if out.ratings != nil {
			out.ratings[c.rating[i]]++
		}
		r := p.rank(c, i, score, price)
		if p.after != nil && r.compare(*p.after) <= 0 {
			continue
		}
		top.offer(hit{rank: r, score: score, seg: seg, local: i, num: num})
	}
	out.hits = top.sorted()
	out.brands = fold(brandCounts, cols)
	out.categories = fold(catCounts, cols)
	return out, nil
}

// fold sums per-segment counts by value.
func fold(counts [][]int, cols []*columns) map[string]int {
	if counts == nil {
		return nil
	}
	out := map[string]int{}
	for seg, cs := range counts {
		for v, n := range cs {
			if n > 0 {
				out[cols[seg].values[v]] += n
			}
		}
	}
	return out
}

// pageHeap keeps the best limit hits offered, the worst on top.
type pageHeap struct {
	limit int
	h     []hit
}

func (p *pageHeap) worse(i, j int) bool { return p.h[i].rank.compare(p.h[j].rank) > 0 }

func (p *pageHeap) offer(h hit) {
	if len(p.h) < p.limit {
		p.h = append(p.h, h)
		for i := len(p.h) - 1; i > 0; {
			up := (i - 1) / 2
			if !p.worse(i, up) {
				break
			}
			p.h[i], p.h[up] = p.h[up], p.h[i]
			i = up
		}
		return
	}
	if h.rank.compare(p.h[0].rank) >= 0 {
		return
	}
	p.h[0] = h
	for i := 0; ; {
		l, r, w := 2*i+1, 2*i+2, i
		if l < len(p.h) && p.worse(l, w) {
			w = l
		}
		if r < len(p.h) && p.worse(r, w) {
			w = r
		}
		if w == i {
			break
		}
		p.h[i], p.h[w] = p.h[w], p.h[i]
		i = w
	}
}

// sorted returns the hits best first.
func (p *pageHeap) sorted() []hit {
	slices.SortFunc(p.h, func(a, b hit) int { return a.rank.compare(b.rank) })
	return p.h
}

// readHit reads the stored search.Document of a hit and, when
// highlighted, the stored values of the fields highlighted, in one pass
// over its stored fields: as a bleve document holding those fields only,
// which is all a highlighter reads of a field but the field's name.
func readHit(snap *scorch.IndexSnapshot, h hit, highlighted bool) (search.Document, *bdocument.Document, error) {
	var raw []byte
	var text *bdocument.Document
	if highlighted {
		text = bdocument.NewDocument(h.pid)
	}
	err := snap.Segments()[h.seg].VisitDocument(h.local, func(field string, typ byte, value []byte, pos []uint64) bool {
		switch {
		case field == fieldDoc:
			raw = append(raw, value...)
		case highlighted && typ == 't' && slices.Contains(highlightFields, field):
			// Copied as bleve's own IndexSnapshot.Document does: the
			// callback's slices are reused.
			text.AddField(bdocument.NewTextField(field, append([]uint64(nil), pos...), append([]byte(nil), value...)))
		}
		return true
	})
	if err != nil {
		return search.Document{}, nil, err
	}
	var d search.Document
	if err := unmarshalDocument(raw, &d); err != nil {
		return d, nil, fmt.Errorf("document %s: %w", h.pid, err)
	}
	return d, text, nil
}
