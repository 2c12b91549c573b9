package bleve_test

import (
	"context"
	"os"
	"path/filepath"
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

func TestIndexOneShard(t *testing.T) {
	searchtest.Run(t, newIndex(func(testing.TB) *bleve.Options { return &bleve.Options{Shards: 1} }))
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

// A zero Shards creates DefaultShards shards, and reopens an index with
// the count it was created with, whatever that was.
func TestIndexDefaultShards(t *testing.T) {
	ctx := context.Background()
	c, err := searchtest.NewCorpus()
	require.NoError(t, err)

	fresh := t.TempDir()
	idx, err := bleve.New(&bleve.Options{Path: fresh})
	require.NoError(t, err)
	require.NoError(t, idx.Close(ctx))
	require.Len(t, shardDirs(t, fresh, "catalog"), bleve.DefaultShards)
	require.Len(t, shardDirs(t, fresh, "reviews"), bleve.DefaultShards)

	single := t.TempDir()
	idx, err = bleve.New(&bleve.Options{Path: single, Shards: 1})
	require.NoError(t, err)
	require.NoError(t, c.Load(ctx, idx))
	require.NoError(t, idx.Close(ctx))

	idx, err = bleve.New(&bleve.Options{Path: single})
	require.NoError(t, err)
	t.Cleanup(func() { _ = idx.Close(ctx) })
	require.Len(t, shardDirs(t, single, "catalog"), 1)
	svc, err := search.NewService(idx, nil)
	require.NoError(t, err)
	require.Equal(t, len(c.Docs), mustTotal(t, svc))
}

func shardDirs(t *testing.T, dir, name string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(dir, name+"-*"))
	require.NoError(t, err)
	for _, d := range dirs {
		fi, err := os.Stat(d)
		require.NoError(t, err)
		require.True(t, fi.IsDir(), d)
	}
	return dirs
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
