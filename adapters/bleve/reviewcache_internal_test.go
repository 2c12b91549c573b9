package bleve

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// An answer is served until the next write, an answer computed before a
// write is never kept after it, and the cache holds a bounded number of
// answers.
func TestReviewCache(t *testing.T) {
	c := newReviewCache()
	gen := c.generation()
	c.put(gen, "sturdy\x00", []string{"p1"})
	got, ok := c.get("sturdy\x00")
	require.True(t, ok)
	require.Equal(t, []string{"p1"}, got)

	c.written()
	_, ok = c.get("sturdy\x00")
	require.False(t, ok, "a write drops the answers")
	c.put(gen, "sturdy\x00", []string{"p1"})
	_, ok = c.get("sturdy\x00")
	require.False(t, ok, "an answer computed before the write is not kept")

	gen = c.generation()
	for i := range 2 * reviewCacheSize {
		c.put(gen, fmt.Sprint(i), nil)
	}
	require.Len(t, c.answers, reviewCacheSize)
	_, ok = c.get(fmt.Sprint(2*reviewCacheSize - 1))
	require.True(t, ok, "the latest answer is kept")
}
