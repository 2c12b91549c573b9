//go:build unix

package monitoring_test

import (
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// BenchmarkAPI is httpapi's BenchmarkAPI (add to cart, checkout, through
// the handlers without the network) on a shop without monitoring ("bare")
// and one wired as a host does it ("monitored": Trace and HTTP around the
// API, the checkout Observer, the wrapped provider and channel, the bus
// middleware and the business metrics' bus handlers; no tracer, the
// default). "request path" leaves out the business handlers, which run
// asynchronously on the bus and can run in another process of their
// consumer group. The differences are what the metrics cost.
func BenchmarkAPI(b *testing.B) {
	for _, variant := range []struct {
		name string
		opts shopOptions
	}{
		{"bare", shopOptions{}},
		{"request path", shopOptions{instrument: true, noBusiness: true}},
		{"monitored", shopOptions{instrument: true}},
	} {
		b.Run(variant.name, func(b *testing.B) { benchShop(b, variant.opts) })
	}
}

// benchShop runs the add-to-cart and checkout loops on a fresh shop, so
// each variant starts from the same heap.
func benchShop(b *testing.B, opts shopOptions) {
	s := newShop(b, opts)
	const skus = 20
	for i := range skus {
		s.sellable(fmt.Sprintf("SKU-%02d", i), 1000+int64(i), 1_000_000_000)
	}
	b.Run("add to cart", func(b *testing.B) {
		cart := s.cartWith("SKU-00")
		b.ReportAllocs()
		var cpu cpuClock
		cpu.start(b)
		i := 0
		for b.Loop() {
			if i++; i%5 == 0 { // a cart of a few lines, as shoppers keep
				cpu.stop(b)
				cart = s.cartWith("SKU-00")
				cpu.start(b)
			}
			if w := s.call(http.MethodPost, "/api/store/carts/"+cart+"/items", map[string]any{"sku": fmt.Sprintf("SKU-%02d", i%skus), "quantity": 1}); w.Code != http.StatusOK {
				b.Fatalf("add to cart: %d %s", w.Code, w.Body)
			}
		}
		cpu.report(b)
	})
	b.Run("checkout", func(b *testing.B) {
		b.ReportAllocs()
		var cpu cpuClock
		cpu.start(b)
		i := 0
		for b.Loop() {
			cpu.stop(b)
			cart := s.cartWith(fmt.Sprintf("SKU-%02d", i%skus))
			i++
			cpu.start(b)
			if w := s.checkout(cart, "pm_card_visa"); w.Code != http.StatusCreated {
				b.Fatalf("checkout: %d %s", w.Code, w.Body)
			}
		}
		cpu.report(b)
	})
}

// cpuClock adds up the process's CPU time (every thread: the request, the
// bus handlers it triggers, the garbage collector) over the timed parts of
// a benchmark. On a shared machine it is steadier than the wall clock.
type cpuClock struct{ since, total time.Duration }

func (c *cpuClock) start(b *testing.B) { b.StartTimer(); c.since = processCPU() }

func (c *cpuClock) stop(b *testing.B) {
	c.total += processCPU() - c.since
	b.StopTimer()
}

// report adds the last timed part and reports the CPU time per operation.
func (c *cpuClock) report(b *testing.B) {
	c.stop(b)
	b.ReportMetric(float64(c.total.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
