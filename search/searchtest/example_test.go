package searchtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/search"
	"github.com/mercatohq/mercato/search/searchtest"
)

// An index adapter proves itself with a few lines in its _test.go file,
// here the bleve adapter's.
func ExampleRun() {
	_ = func(t *testing.T) { // func TestIndex(t *testing.T)
		searchtest.Run(t, func(t testing.TB) search.Index {
			idx, err := bleve.New(&bleve.Options{Shards: 4})
			require.NoError(t, err)
			return idx
		})
	}
	// Output:
}
