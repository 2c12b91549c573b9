package postgres_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/promotion"
	"github.com/mercatohq/mercato/promotion/promotiontest"
)

func TestPromotionStore(t *testing.T) {
	promotiontest.Run(t, func(t testing.TB) promotion.Store {
		store, err := postgres.NewPromotionStore(newPool(t), nil)
		if err != nil {
			t.Fatalf("store: %v", err)
		}
		return store
	})
}

func BenchmarkPromotionStore(b *testing.B) {
	promotiontest.Bench(b, func(t testing.TB) promotion.Store {
		store, err := postgres.NewPromotionStore(newPool(t), nil)
		if err != nil {
			t.Fatalf("store: %v", err)
		}
		return store
	})
}
