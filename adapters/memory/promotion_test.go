package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/promotion"
	"github.com/mercatohq/mercato/promotion/promotiontest"
)

func TestPromotionStore(t *testing.T) {
	promotiontest.Run(t, func(testing.TB) promotion.Store { return memory.NewPromotionStore(nil) })
}

func BenchmarkPromotionStore(b *testing.B) {
	promotiontest.Bench(b, func(testing.TB) promotion.Store { return memory.NewPromotionStore(nil) })
}
