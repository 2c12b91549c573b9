package carttest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/cart/carttest"
	"github.com/mercatohq/mercato/commerce"
)

// An adapter proves itself with a few lines in its _test.go file, here
// the memory store's.
func ExampleRun() {
	_ = func(t *testing.T) { // func TestCartStore(t *testing.T)
		carttest.Run(t, func(_ testing.TB, events commerce.EventPublisher) cart.Store {
			return memory.NewCartStore(&memory.Options{Events: events})
		})
	}
	// Output:
}
