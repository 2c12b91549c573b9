package ordertest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/order"
)

// BenchOptions tunes BenchCheckout. A nil *BenchOptions is the zero value.
type BenchOptions struct {
	// RoundTrips, when set, returns how many database round trips the
	// stores have made so far. BenchCheckout reports the ones the timed
	// checkouts made, per checkout, as "roundtrips/op".
	RoundTrips func() int64
	// Commits, when set, returns how many durable commits the stores
	// have made so far (transactions that wrote, each a WAL flush in a
	// SQL database). BenchCheckout reports the timed checkouts', per
	// checkout, as "commits/op".
	Commits func() int64
	// Code, when set, enters a promotion code (10% off the order, no use
	// limit) in every cart, so each checkout evaluates, reserves and
	// commits a redemption. It needs Stores.Promotions.
	Code bool
}

// Shape of BenchCheckout's workload.
const (
	// BenchSKUs is how many SKUs the carts draw from, so concurrent
	// buyers rarely want the same stock row.
	BenchSKUs = 10_000
	// benchStock is each SKU's on-hand quantity: never runs out.
	benchStock = 1_000_000
	// setupWorkers build the stock and the carts concurrently.
	setupWorkers = 8
)

// benchCode is the code BenchOptions.Code enters.
const benchCode = "BENCH10"

// BenchCheckout measures a full, successful Checkout over the stores
// newStores returns, with 1 and 16 concurrent buyers: a fresh cart of 2
// or 3 lines (1 to 3 units each) of SKUs drawn from BenchSKUs, paid with
// pm_card_visa by the fake provider, captured at checkout. A third case,
// "hot/buyers=16", has 16 buyers each buy 1 to 3 units of one SKU (with
// stock for all of them), so every checkout waits its turn for the same
// stock row: a launch or a flash sale. It reports
// checkouts/s, the p50/p99/max latency of one Checkout and, with
// opts.RoundTrips and opts.Commits, the database round trips and durable
// commits per checkout.
//
// Only the checkouts are timed. The carts, and the stock of every SKU
// they hold, are built before the timer starts; events keep flowing to
// the World's recorder during the run, so outbox relays work alongside
// the checkouts as they would in production.
func BenchCheckout(b *testing.B, newStores NewStores, opts *BenchOptions) {
	for _, buyers := range []int{1, 16} {
		b.Run(fmt.Sprintf("buyers=%d", buyers), func(b *testing.B) { benchCheckout(b, newStores, opts, buyers, false) })
	}
	b.Run("hot/buyers=16", func(b *testing.B) { benchCheckout(b, newStores, opts, 16, true) })
}

// benchHotSKU is the one SKU of the hot case.
const benchHotSKU = "BENCH-HOT"

func benchCheckout(b *testing.B, newStores NewStores, opts *BenchOptions, buyers int, hot bool) {
	var o BenchOptions
	if opts != nil {
		o = *opts
	}
	ctx := context.Background()
	w := NewWorld(b, newStores, nil)

	// The carts' contents, drawn up front so the stock can be set first.
	rng := rand.New(rand.NewPCG(1, uint64(b.N)))
	contents := make([][]Item, b.N)
	stocked := map[string]bool{}
	var skus []string
	for i := range contents {
		if hot {
			contents[i] = []Item{{SKU: benchHotSKU, Quantity: 1 + rng.IntN(3)}}
			if !stocked[benchHotSKU] {
				stocked[benchHotSKU] = true
				skus = append(skus, benchHotSKU)
			}
			continue
		}
		n := 2 + rng.IntN(2)
		seen := map[int]bool{}
		for len(contents[i]) < n {
			k := rng.IntN(BenchSKUs)
			if seen[k] {
				continue
			}
			seen[k] = true
			sku := SKU(k)
			contents[i] = append(contents[i], Item{SKU: sku, Quantity: 1 + rng.IntN(3)})
			if !stocked[sku] {
				stocked[sku] = true
				skus = append(skus, sku)
			}
		}
	}
	for _, sku := range skus {
		w.Prices.Ensure(sku)
	}
	if err := parallel(len(skus), func(i int) error {
		_, err := w.Stock.SetStock(ctx, skus[i], "", benchStock, "bench")
		return err
	}); err != nil {
		b.Fatalf("stock: %v", err)
	}
	if o.Code {
		w.PercentCode(b, benchCode, 1000, 0)
	}
	carts := make([]commerce.CartID, b.N)
	keys := make([]string, b.N)
	if err := parallel(b.N, func(i int) error {
		c, err := w.Carts.Create(ctx, cart.CreateInput{Currency: usd})
		if err != nil {
			return err
		}
		for _, it := range contents[i] {
			if _, err := w.Carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: it.SKU, Quantity: it.Quantity}); err != nil {
				return err
			}
		}
		if o.Code {
			if _, err := w.Carts.ApplyCode(ctx, c.ID, benchCode); err != nil {
				return err
			}
		}
		carts[i], keys[i] = c.ID, NewKey()
		return nil
	}); err != nil {
		b.Fatalf("carts: %v", err)
	}

	var before, commitsBefore int64
	if o.RoundTrips != nil {
		before = o.RoundTrips()
	}
	if o.Commits != nil {
		commitsBefore = o.Commits()
	}
	benchload.Run(b, buyers, "checkouts/s", func(_, i int) error {
		placed, err := w.Orders.Checkout(ctx, carts[i], Input("pm_card_visa", keys[i]))
		if err != nil {
			return err
		}
		if placed.Status != order.StatusConfirmed {
			return fmt.Errorf("checkout %d: order %s is %s, want %s", i, placed.ID, placed.Status, order.StatusConfirmed)
		}
		if o.Code && len(placed.Promotions) != 1 {
			return fmt.Errorf("checkout %d: order %s has %d promotions, want the code's", i, placed.ID, len(placed.Promotions))
		}
		return nil
	})
	if o.RoundTrips != nil {
		b.ReportMetric(float64(o.RoundTrips()-before)/float64(b.N), "roundtrips/op")
	}
	if o.Commits != nil {
		b.ReportMetric(float64(o.Commits()-commitsBefore)/float64(b.N), "commits/op")
	}
}

// parallel calls fn(0..n-1) from setupWorkers goroutines and returns the
// first error; the benchmark fails on the calling goroutine.
func parallel(n int, fn func(i int) error) error {
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range setupWorkers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					next.Store(int64(n))
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}
