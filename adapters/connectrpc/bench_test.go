package connectrpc_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order/ordertest"
)

// BenchmarkCartGet is one cart read over loopback, against the same read
// in process: the cost of the hop.
func BenchmarkCartGet(b *testing.B) {
	ctx := context.Background()
	r := newRemote(b)
	r.SetStock(b, "TEE-M", 10)
	id := r.Cart(b, ordertest.Item{SKU: "TEE-M", Quantity: 2})
	b.Run("loopback", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.Carts.Get(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("in-process", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := r.World.Carts.Get(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Many callers at once over one client: the throughput of a server
	// and its connection pool.
	b.Run("loopback-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := r.Carts.Get(ctx, id); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkInventoryReserve is one reservation of one line over loopback,
// against the same in process.
func BenchmarkInventoryReserve(b *testing.B) {
	ctx := context.Background()
	r := newRemote(b)
	r.SetStock(b, "MUG", 1_000_000_000)
	lines := []inventory.Line{{SKU: "MUG", Quantity: 1}}
	for _, bc := range []struct {
		name  string
		stock interface {
			Reserve(context.Context, commerce.ReservationID, []inventory.Line, time.Duration) (inventory.Reservation, error)
		}
	}{{"loopback", r.Stock}, {"in-process", r.World.Stock}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, err := bc.stock.Reserve(ctx, commerce.NewID[commerce.ReservationID](), lines, 0)
				require.NoError(b, err)
			}
		})
	}
}
