package shard_test

import (
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/customer/customertest"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/paymenttest"
)

// The port suites run unchanged on a router over one shard and over four.
var shardCounts = []int{1, 4}

func TestCustomerSuite(t *testing.T) {
	for _, n := range shardCounts {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			customertest.Run(t, func(t testing.TB, events commerce.EventPublisher) customer.Store {
				return newRouter(t, n, events).Customers()
			})
		})
	}
}

func TestOrderSuite(t *testing.T) {
	for _, n := range shardCounts {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			ordertest.Run(t, func(t testing.TB, events commerce.EventPublisher) ordertest.Stores {
				_, stores := checkoutStores(t, n, events)
				return stores
			})
		})
	}
}

func TestPaymentSuite(t *testing.T) {
	for _, n := range shardCounts {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			paymenttest.Run(t, func(t testing.TB, events commerce.EventPublisher) payment.Store {
				return newRouter(t, n, events).Payments()
			})
		})
	}
}
