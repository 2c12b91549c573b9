package bleve

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

// A temporary index (no Options.Path) merges the segments of many small
// batches in the background, as an on-disk one does, so an indexer that
// follows catalog events one batch at a time does not grow the heap
// without bound; Close removes its directory.
func TestTemporaryIndexMergesSmallBatches(t *testing.T) {
	ctx := context.Background()
	c, err := searchtest.NewCorpus()
	require.NoError(t, err)
	x, err := New(&Options{Shards: 1}) // one shard: the test counts shard 0's segments
	require.NoError(t, err)
	require.True(t, x.tempDir)
	dir := x.dir
	require.DirExists(t, dir)

	for _, d := range c.Docs {
		require.NoError(t, x.Index(ctx, d))
	}
	res, err := x.Search(ctx, search.Request{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, len(c.Docs), res.Total, "every write is searchable when it returns")

	segments := func() int {
		adv, err := x.catalog.shards[0].Advanced()
		require.NoError(t, err)
		r, err := adv.Reader()
		require.NoError(t, err)
		defer r.Close()
		return len(r.(*scorch.IndexSnapshot).Segments())
	}
	// One batch per document wrote len(c.Docs) segments; the merger
	// brings them down to a handful.
	bound := len(c.Docs) / 10
	deadline := time.Now().Add(time.Minute)
	for n := segments(); n > bound; n = segments() {
		require.True(t, time.Now().Before(deadline), "%d segments after %d one-document batches; want at most %d", n, len(c.Docs), bound)
		time.Sleep(20 * time.Millisecond)
	}
	size, err := x.SizeOnDisk()
	require.NoError(t, err)
	require.Positive(t, size)

	require.NoError(t, x.Close(ctx))
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, os.ErrNotExist, "Close removes a temporary index's directory")
}
