package recommendtest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/recommendtest"
)

// An adapter proves itself with a few lines in its _test.go file, here
// the memory log's and store's.
func ExampleRunLog() {
	_ = func(t *testing.T) { // func TestActivityLog(t *testing.T)
		recommendtest.RunLog(t, func(*testing.T) recommend.Log { return memory.NewActivityLog(nil) })
	}
	_ = func(t *testing.T) { // func TestRecommendationStore(t *testing.T)
		recommendtest.RunStore(t, func(*testing.T) recommend.Store { return memory.NewRecommendationStore(nil) })
	}
	// Output:
}
