package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order/ordertest"
)

func memoryOrderStores(_ testing.TB, events commerce.EventPublisher) ordertest.Stores {
	opts := &memory.Options{Events: events}
	return ordertest.Stores{
		Orders:     memory.NewOrderStore(opts),
		Inventory:  memory.NewInventoryStore(opts),
		Payments:   memory.NewPaymentStore(opts),
		Carts:      memory.NewCartStore(opts),
		Promotions: memory.NewPromotionStore(opts),
	}
}

func TestOrderStore(t *testing.T) {
	ordertest.Run(t, memoryOrderStores)
}
