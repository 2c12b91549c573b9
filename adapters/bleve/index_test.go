package bleve_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

func newIndex(opts func(t testing.TB) *bleve.Options) searchtest.NewIndex {
	return func(t testing.TB) search.Index {
		idx, err := bleve.New(opts(t))
		require.NoError(t, err)
		return idx
	}
}

func TestIndexInMemory(t *testing.T) {
	searchtest.Run(t, newIndex(func(testing.TB) *bleve.Options { return nil }))
}

func TestIndexOnDisk(t *testing.T) {
	searchtest.Run(t, newIndex(func(t testing.TB) *bleve.Options { return &bleve.Options{Path: t.TempDir()} }))
}

func TestIndexSharded(t *testing.T) {
	searchtest.Run(t, newIndex(func(testing.TB) *bleve.Options { return &bleve.Options{Shards: 4} }))
}

// An on-disk index keeps its documents across a close and a reopen, and
// refuses another shard count.
func TestIndexReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := searchtest.NewCorpus()
	require.NoError(t, err)
	idx, err := bleve.New(&bleve.Options{Path: dir, Shards: 2})
	require.NoError(t, err)
	require.NoError(t, c.Load(ctx, idx))
	require.NoError(t, idx.Close(ctx))

	_, err = bleve.New(&bleve.Options{Path: dir, Shards: 3})
	require.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "%v", err)

	idx, err = bleve.New(&bleve.Options{Path: dir, Shards: 2})
	require.NoError(t, err)
	t.Cleanup(func() { _ = idx.Close(ctx) })
	size, err := idx.SizeOnDisk()
	require.NoError(t, err)
	require.Positive(t, size)
	svc, err := search.NewService(idx, nil)
	require.NoError(t, err)
	res, err := svc.Search(ctx, search.Query{Text: "battery life"})
	require.NoError(t, err)
	require.Equal(t, len(c.Docs), mustTotal(t, svc))
	require.NotZero(t, res.Total)
}

func mustTotal(t *testing.T, svc *search.Service) int {
	t.Helper()
	res, err := svc.Search(context.Background(), search.Query{})
	require.NoError(t, err)
	return res.Total
}

func TestOptions(t *testing.T) {
	for name, o := range map[string]*bleve.Options{
		"negative shards":          {Shards: -1},
		"too many shards":          {Shards: bleve.MaxShards + 1},
		"negative review products": {ReviewProducts: -1},
	} {
		_, err := bleve.New(o)
		require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), name)
	}
}
