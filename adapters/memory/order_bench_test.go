package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order/ordertest"
)

// BenchmarkCheckout measures a full checkout over the memory stores, the
// baseline for the durable adapters' figures.
func BenchmarkCheckout(b *testing.B) {
	ordertest.BenchCheckout(b, memoryOrderStores, nil)
}

// BenchmarkCheckoutWithCode is BenchmarkCheckout with a promotion code in
// every cart: evaluated, reserved and committed with each order.
func BenchmarkCheckoutWithCode(b *testing.B) {
	ordertest.BenchCheckout(b, memoryOrderStores, &ordertest.BenchOptions{Code: true})
}

// BenchmarkCheckoutWithoutPromotions is BenchmarkCheckout for a host that
// wires no promotions at all.
func BenchmarkCheckoutWithoutPromotions(b *testing.B) {
	ordertest.BenchCheckout(b, func(t testing.TB, events commerce.EventPublisher) ordertest.Stores {
		s := memoryOrderStores(t, events)
		s.Promotions = nil
		return s
	}, nil)
}
