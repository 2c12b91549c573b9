package carttest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

const (
	// benchLines is the lines of a benchmark cart: a large everyday cart.
	benchLines = 10
	// benchAddsPerCart is how many adds a shopper makes to one cart
	// before starting another, well below the quantity limit.
	benchAddsPerCart = benchLines * 50
)

// BenchAddItem measures Service.AddItem over the stores newStore makes
// (events go to commerce.DiscardEvents), with 1 and 16 concurrent
// shoppers, each filling their own cart: the first adds create lines, the
// rest raise them, through the same read, price and write. It reports
// p50/p99/max latency of one AddItem, AddItem calls per second (ops/s) and, with -benchmem,
// allocations per add. Creating a shopper's next cart, once every 500
// adds, is not in the latencies.
func BenchAddItem(b *testing.B, newStore NewStore) {
	for _, shoppers := range []int{1, 16} {
		b.Run(fmt.Sprintf("goroutines=%d", shoppers), func(b *testing.B) { benchAddItem(b, newStore, shoppers) })
	}
}

func benchAddItem(b *testing.B, newStore NewStore, shoppers int) {
	ctx := context.Background()
	svc, err := cart.NewService(newStore(b, commerce.DiscardEvents{}), newPriceTable(), nil)
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	latencies := make([][]time.Duration, shoppers)
	errs := make(chan error, shoppers)
	var wg sync.WaitGroup
	b.ResetTimer()
	began := time.Now()
	for w := range shoppers {
		wg.Go(func() {
			var c cart.Cart
			for k := 0; next.Add(1) <= int64(b.N); k++ {
				if k%benchAddsPerCart == 0 {
					created, err := svc.Create(ctx, cart.CreateInput{})
					if err != nil {
						errs <- err
						return
					}
					c = created
				}
				in := cart.AddItemInput{SKU: raceSKU(k % benchLines), Quantity: 1}
				t0 := time.Now()
				if _, err := svc.AddItem(ctx, c.ID, in); err != nil {
					errs <- err
					return
				}
				latencies[w] = append(latencies[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	var all []time.Duration
	for _, l := range latencies {
		all = append(all, l...)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
	eventbustest.ReportLatencies(b, all)
}
