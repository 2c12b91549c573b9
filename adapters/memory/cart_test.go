package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/cart/carttest"
	"github.com/mercatohq/mercato/commerce"
)

func newCartStore(_ testing.TB, events commerce.EventPublisher) cart.Store {
	return memory.NewCartStore(&memory.Options{Events: events})
}

func TestCartStore(t *testing.T) { carttest.Run(t, newCartStore) }

func BenchmarkAddItem(b *testing.B) { carttest.BenchAddItem(b, newCartStore) }
