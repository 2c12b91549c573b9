package ordertest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order/ordertest"
)

// An order store proves itself with the suite; the other stores a
// checkout touches may come from any adapter.
func ExampleRun() {
	_ = func(t *testing.T) { // func TestOrderStore(t *testing.T)
		ordertest.Run(t, func(_ testing.TB, events commerce.EventPublisher) ordertest.Stores {
			opts := &memory.Options{Events: events}
			return ordertest.Stores{
				Orders:    memory.NewOrderStore(opts),
				Inventory: memory.NewInventoryStore(opts),
				Payments:  memory.NewPaymentStore(opts),
				Carts:     memory.NewCartStore(opts),
			}
		})
	}
	// Output:
}
