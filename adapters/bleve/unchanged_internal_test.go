package bleve

import (
	"context"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

// updates counts the documents written to the shards of set.
func updates(t *testing.T, set *shardSet) uint64 {
	t.Helper()
	var n uint64
	for _, sh := range set.shards {
		adv, err := sh.Advanced()
		require.NoError(t, err)
		n += adv.(*scorch.Scorch).StatsMap()["TotUpdates"].(uint64)
	}
	return n
}

// A Batch with SkipUnchanged writes only the products and reviews that
// differ from what the index holds; without it, every one is written.
func TestBatchSkipsWhatTheIndexHolds(t *testing.T) {
	ctx := context.Background()
	x, c := newCorpusIndex(t)
	docs := c.Docs[:4]
	reviews := []search.ReviewDocument{
		{ReviewID: commerce.NewID[commerce.ReviewID](), ProductID: docs[0].ProductID, Text: "Sturdy and quiet", Rating: 5},
		{ReviewID: commerce.NewID[commerce.ReviewID](), ProductID: docs[1].ProductID, Text: "Rattles at speed", Rating: 2},
	}
	all := search.Batch{Products: docs, Reviews: reviews}
	require.NoError(t, x.Batch(ctx, all))
	products, written := updates(t, x.catalog), updates(t, x.reviews)
	require.EqualValues(t, len(docs), products)
	require.EqualValues(t, len(reviews), written)

	all.SkipUnchanged = true
	require.NoError(t, x.Batch(ctx, all))
	require.Equal(t, products, updates(t, x.catalog), "unchanged products are not written again")
	require.Equal(t, written, updates(t, x.reviews), "unchanged reviews are not written again")

	changed := docs[2]
	changed.Title += " Deluxe"
	edited := reviews[1]
	edited.Text = "Rattles at speed; the maker replaced it"
	require.NoError(t, x.Batch(ctx, search.Batch{Products: append([]search.Document{changed}, docs[:2]...), Reviews: append([]search.ReviewDocument{edited}, reviews[0]), SkipUnchanged: true}))
	require.Equal(t, products+1, updates(t, x.catalog), "only the changed product is written")
	require.Equal(t, written+1, updates(t, x.reviews), "only the edited review is written")

	require.NoError(t, x.Batch(ctx, search.Batch{Products: docs[:1], Reviews: reviews[:1]}))
	require.Equal(t, products+2, updates(t, x.catalog), "without SkipUnchanged every product is written")
	require.Equal(t, written+2, updates(t, x.reviews), "without SkipUnchanged every review is written")
}

// newCorpusIndex opens a temporary index, closed when the test ends, and
// the corpus of searchtest, not yet written to it.
func newCorpusIndex(t *testing.T) (*Index, *searchtest.Corpus) {
	t.Helper()
	c, err := searchtest.NewCorpus()
	require.NoError(t, err)
	x, err := New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = x.Close(context.Background()) })
	return x, c
}
