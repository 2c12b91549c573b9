package promotiontest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/promotion"
	"github.com/mercatohq/mercato/promotion/promotiontest"
)

// An adapter proves itself with a few lines in its _test.go file, here
// the memory store's; promotiontest.Bench measures it the same way.
func ExampleRun() {
	_ = func(t *testing.T) { // func TestPromotionStore(t *testing.T)
		promotiontest.Run(t, func(testing.TB) promotion.Store { return memory.NewPromotionStore(nil) })
	}
	// Output:
}
