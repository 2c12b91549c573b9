package inventorytest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/inventory/inventorytest"
)

// An adapter proves itself with a few lines in its _test.go file, here
// the memory store's.
func ExampleRun() {
	_ = func(t *testing.T) { // func TestInventoryStore(t *testing.T)
		inventorytest.Run(t, func(_ testing.TB, events commerce.EventPublisher) inventory.Store {
			return memory.NewInventoryStore(&memory.Options{Events: events})
		})
	}
	// Output:
}
