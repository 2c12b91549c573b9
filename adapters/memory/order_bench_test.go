package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/order/ordertest"
)

// BenchmarkCheckout measures a full checkout over the memory stores, the
// baseline for the durable adapters' figures.
func BenchmarkCheckout(b *testing.B) {
	ordertest.BenchCheckout(b, memoryOrderStores, nil)
}
