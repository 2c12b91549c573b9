package bleve

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

// The column cache holds the columns of the live segments only: those of
// segments that merges retired are dropped, so its memory follows the
// index's.
func TestColumnCacheDropsRetiredSegments(t *testing.T) {
	ctx := context.Background()
	c, err := searchtest.NewCorpus()
	require.NoError(t, err)
	x, err := New(&Options{Path: t.TempDir(), Shards: 1}) // one shard: the test reads shard 0 alone
	require.NoError(t, err)
	t.Cleanup(func() { _ = x.Close(ctx) })
	query := search.Request{Query: search.Query{Sort: search.SortRelevance, Facets: []string{search.FacetBrand}}, Limit: 5}
	for i := 0; i < len(c.Docs); i += 10 {
		require.NoError(t, x.Index(ctx, c.Docs[i:min(i+10, len(c.Docs))]...))
		res, err := x.Search(ctx, query)
		require.NoError(t, err)
		require.Equal(t, min(i+10, len(c.Docs)), res.Total)
	}
	require.NoError(t, x.Compact(ctx))

	// Background merges may retire segments while a search runs: compare
	// the cache with a snapshot that did not change across the search.
	segments := func() map[any]bool {
		adv, err := x.catalog.shards[0].Advanced()
		require.NoError(t, err)
		r, err := adv.Reader()
		require.NoError(t, err)
		defer r.Close()
		out := map[any]bool{}
		for _, ss := range r.(*scorch.IndexSnapshot).Segments() {
			out[any(ss.Segment())] = true
		}
		return out
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		before := segments()
		res, err := x.Search(ctx, query)
		require.NoError(t, err)
		require.Equal(t, len(c.Docs), res.Total)
		if after := segments(); !maps.Equal(before, after) {
			require.True(t, time.Now().Before(deadline), "the index kept merging")
			continue
		}
		require.Less(t, len(before), len(c.Docs)/10, "the index merged its segments")
		x.columns[0].mu.Lock()
		cached := maps.Clone(x.columns[0].entries)
		x.columns[0].mu.Unlock()
		require.Len(t, cached, len(before), "columns of retired segments are dropped")
		for k := range cached {
			require.True(t, before[k], "the cache holds only live segments")
		}
		return
	}
}

// Two hits of one segment compare by their product IDs' places in the
// segment, which must order them as the IDs themselves would.
func TestColumnsPIDOrder(t *testing.T) {
	ctx := context.Background()
	c, err := searchtest.NewCorpus()
	require.NoError(t, err)
	x, err := New(&Options{Path: t.TempDir(), Shards: 1}) // one shard: the test reads shard 0 alone
	require.NoError(t, err)
	t.Cleanup(func() { _ = x.Close(ctx) })
	require.NoError(t, c.Load(ctx, x))
	require.NoError(t, x.Compact(ctx))
	adv, err := x.catalog.shards[0].Advanced()
	require.NoError(t, err)
	r, err := adv.Reader()
	require.NoError(t, err)
	defer r.Close()
	cols, _, err := x.columns[0].of(r.(*scorch.IndexSnapshot))
	require.NoError(t, err)
	docs := 0
	for _, col := range cols {
		n := uint64(len(col.pidOrder))
		docs += int(n)
		for i := range n {
			require.NotEmpty(t, col.pid(i))
			for j := range n {
				a := rank{pid: col.pid(i), cols: col, pidOrder: col.pidOrder[i]}
				b := rank{pid: col.pid(j), cols: col, pidOrder: col.pidOrder[j]}
				byID := a
				byID.cols = nil
				require.Equal(t, byID.compare(b), a.compare(b), "documents %d and %d", i, j)
			}
		}
	}
	require.GreaterOrEqual(t, docs, len(c.Docs))
}
