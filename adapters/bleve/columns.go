package bleve

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/mercatohq/mercato/commerce"
)

// columns holds, for every document of one index segment by its number
// in the segment, what the price filter, the facets and the sorts read:
// the values of its doc values, decoded once. A query then reads an
// array element per hit where reading the doc values would decompress
// and decode a chunk of them per field for every few hits, which is where
// a broad query's time went.
//
// A segment never changes once written (an update writes the product
// into a new segment and marks the old document deleted, which no
// searcher returns), so a segment's columns stay exact for as long as the
// segment lives: no write has to keep them up to date.
type columns struct {
	// The product ID of document i is pids[pidStart[i]:pidStart[i+1]]:
	// one string for them all, not a string each, so that the garbage
	// collector, which marks every object on the heap in each cycle,
	// finds one object here and no pointers, where the columns would
	// otherwise be most of the objects a search process holds.
	pids     string
	pidStart []uint32
	// pidOrder is the place of document i's product ID among the
	// segment's in ascending order, equal for equal IDs: two hits of one
	// segment compare their product IDs by it (see rank).
	pidOrder []uint32
	// rating is the average rating in hundredths; reviews the rating count.
	rating  []uint16
	reviews []uint64
	// newest is the inverted creation time in microseconds: ascending is
	// newest first.
	newest []uint64
	// brand is the index in values of the brand's "id\x1fname", -1 for
	// none.
	brand []int32
	// The categories of document i are cats[catStart[i]:catStart[i+1]],
	// indexes in values.
	catStart []uint32
	cats     []int32
	values   []string
	// prices holds per currency the lowest price per document in minor
	// units, -1 for none.
	prices map[commerce.Currency][]int64
}

// The fields columns are read from.
var columnFields = []string{fieldPID, fieldBrandFacet, fieldCategoryFacet, fieldKeyRating, fieldKeyNewest}

// readColumns decodes the columns of segment seg of snap, whose documents
// are numbered from offset in the snapshot.
func readColumns(snap *scorch.IndexSnapshot, seg int, offset uint64) (*columns, error) {
	ss := snap.Segments()[seg]
	n := int(ss.Segment().Count())
	c := &columns{
		pidStart: make([]uint32, n+1),
		rating:   make([]uint16, n),
		reviews:  make([]uint64, n),
		newest:   make([]uint64, n),
		brand:    make([]int32, n),
		catStart: make([]uint32, n+1),
		prices:   map[commerce.Currency][]int64{},
	}
	fields := append([]string(nil), columnFields...)
	pricePrefix := fieldPriceValue + "."
	for _, f := range ss.Fields() {
		if cur, ok := strings.CutPrefix(f, pricePrefix); ok {
			fields = append(fields, f)
			col := make([]int64, n)
			for i := range col {
				col[i] = -1
			}
			c.prices[commerce.Currency(cur)] = col
		}
	}
	dv, err := snap.DocValueReader(fields)
	if err != nil {
		return nil, err
	}
	ordinal := map[string]int32{}
	intern := func(term []byte) int32 {
		if o, ok := ordinal[string(term)]; ok {
			return o
		}
		o := int32(len(c.values))
		ordinal[string(term)] = o
		c.values = append(c.values, string(term))
		return o
	}
	id := index.NewIndexInternalID(nil, 0)
	var bad error
	var pids []byte
	for i := range n {
		c.brand[i] = -1
		id.SetValue(offset + uint64(i))
		err := dv.VisitDocValues(id, func(field string, term []byte) {
			switch field {
			case fieldPID:
				pids = append(pids, term...)
			case fieldBrandFacet:
				c.brand[i] = intern(term)
			case fieldCategoryFacet:
				c.cats = append(c.cats, intern(term))
			case fieldKeyRating:
				// "%03x%010x": the inverted rating and rating count.
				r, err1 := parseHex(term, 0, 3)
				k, err2 := parseHex(term, 3, 13)
				if err1 != nil || err2 != nil {
					bad = fmt.Errorf("rating key %q", term)
					return
				}
				c.rating[i], c.reviews[i] = uint16(0xfff-r), 0xffffffffff-k
			case fieldKeyNewest:
				t, err := parseHex(term, 0, 16)
				if err != nil {
					bad = fmt.Errorf("newest key %q", term)
					return
				}
				c.newest[i] = t
			default:
				p, err := strconv.ParseInt(string(term), 10, 64)
				if err != nil || p < 0 {
					bad = fmt.Errorf("price %q of %s", term, field)
					return
				}
				c.prices[commerce.Currency(strings.TrimPrefix(field, pricePrefix))][i] = p
			}
		})
		if err == nil {
			err = bad
		}
		if err != nil {
			return nil, fmt.Errorf("read the columns of document %d: %w", offset+uint64(i), err)
		}
		c.catStart[i+1] = uint32(len(c.cats))
		if len(pids) > math.MaxUint32 {
			return nil, fmt.Errorf("the product IDs of segment %d exceed 4 GiB", seg)
		}
		c.pidStart[i+1] = uint32(len(pids))
	}
	c.pids = string(pids)
	c.pidOrder = pidOrder(c, n)
	return c, nil
}

// pid returns the product ID of document i.
func (c *columns) pid(i uint64) string { return c.pids[c.pidStart[i]:c.pidStart[i+1]] }

// pidOrder numbers the n documents of c by their product IDs, ascending,
// equal IDs alike.
func pidOrder(c *columns, n int) []uint32 {
	docs := make([]uint32, n)
	for i := range docs {
		docs[i] = uint32(i)
	}
	slices.SortFunc(docs, func(a, b uint32) int { return strings.Compare(c.pid(uint64(a)), c.pid(uint64(b))) })
	order := make([]uint32, n)
	place := uint32(0)
	for k, d := range docs {
		if k > 0 && c.pid(uint64(d)) != c.pid(uint64(docs[k-1])) {
			place++
		}
		order[d] = place
	}
	return order
}

func parseHex(b []byte, from, to int) (uint64, error) {
	if len(b) < to {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(string(b[from:to]), 16, 64)
}

// columnCache keeps the columns of one shard's segments, keyed by the
// segment, read the first time a query meets the segment. Segments that
// merges have replaced are dropped whenever a new one is read.
type columnCache struct {
	mu      sync.Mutex
	entries map[any]*columnEntry
}

type columnEntry struct {
	once sync.Once
	cols *columns
	err  error
}

func newColumnCache() *columnCache { return &columnCache{entries: map[any]*columnEntry{}} }

// of returns the columns of every segment of snap and the
// number of each segment's first document in snap.
func (c *columnCache) of(snap *scorch.IndexSnapshot) ([]*columns, []uint64, error) {
	segs := snap.Segments()
	offsets := make([]uint64, len(segs)+1)
	entries := make([]*columnEntry, len(segs))
	c.mu.Lock()
	added := false
	for i, ss := range segs {
		offsets[i+1] = offsets[i] + ss.Segment().Count()
		key := any(ss.Segment())
		e := c.entries[key]
		if e == nil {
			e = &columnEntry{}
			c.entries[key] = e
			added = true
		}
		entries[i] = e
	}
	if added {
		// A new segment: merges may have retired others.
		live := make(map[any]bool, len(segs))
		for _, ss := range segs {
			live[any(ss.Segment())] = true
		}
		for k := range c.entries {
			if !live[k] {
				delete(c.entries, k)
			}
		}
	}
	c.mu.Unlock()

	out := make([]*columns, len(segs))
	for i, e := range entries {
		e.once.Do(func() { e.cols, e.err = readColumns(snap, i, offsets[i]) })
		if e.err != nil {
			c.mu.Lock()
			if c.entries[any(segs[i].Segment())] == e {
				delete(c.entries, any(segs[i].Segment())) // read again next time
			}
			c.mu.Unlock()
			return nil, nil, e.err
		}
		out[i] = e.cols
	}
	return out, offsets, nil
}
