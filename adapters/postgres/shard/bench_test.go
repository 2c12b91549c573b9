package shard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
)

// BenchmarkCheckout measures a full checkout (ordertest.BenchCheckout:
// 1 and 16 buyers) on a router over 1 and over 4 shards of the local
// PostgreSQL.
func BenchmarkCheckout(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(fmt.Sprintf("shards=%d", n), func(b *testing.B) {
			ordertest.BenchCheckout(b, func(t testing.TB, events commerce.EventPublisher) ordertest.Stores {
				_, stores := checkoutStores(t, n, events)
				return stores
			}, nil)
		})
	}
}

// BenchmarkAdminList measures one page of 50 of the admin order list
// (all orders, and by status) over 2000 orders spread over 1 and over 4
// shards: every shard answers a page, the router merges them.
func BenchmarkAdminList(b *testing.B) {
	const orders = 2000
	for _, n := range []int{1, 4} {
		b.Run(fmt.Sprintf("shards=%d", n), func(b *testing.B) {
			r := newRouter(b, n, nil)
			ctx := context.Background()
			base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			statuses := []order.Status{order.StatusConfirmed, order.StatusShipped}
			for i := range orders {
				o := storedOrder(commerce.NewID[commerce.CustomerID](), base.Add(time.Duration(i)*time.Second), statuses[i%2])
				_, _, err := r.Orders().Create(ctx, o, func(order.Order) []commerce.Envelope { return nil })
				require.NoError(b, err)
			}
			for _, f := range []order.ListFilter{{}, {Status: order.StatusShipped}} {
				b.Run("status="+string(f.Status), func(b *testing.B) {
					for b.Loop() {
						p, err := r.Orders().List(ctx, f, commerce.PageRequest{Limit: 50})
						if err != nil || len(p.Items) != 50 {
							b.Fatalf("list: %d items, %v", len(p.Items), err)
						}
					}
				})
			}
		})
	}
}
