// Package benchload drives a benchmark's operation from concurrent
// workers and reports the figures Mercato's benchmarks quote: operations
// per second and the p50, p99 and max latency of one operation.
package benchload

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Run calls op b.N times in all from workers goroutines, which take the
// operations' indexes 0..b.N-1 from one counter, so a slow worker does
// less rather than holding the others back. It reports b.N divided by the
// elapsed time in unit ("ops/s", "reservations/s") and the latency of
// each op call. The first error fails the benchmark after the workers
// stop. Setup belongs before Run, which resets the timer.
func Run(b *testing.B, workers int, unit string, op func(worker int, i int) error) {
	b.Helper()
	var next atomic.Int64
	latencies := make([][]time.Duration, workers)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	b.ResetTimer()
	began := time.Now()
	for w := range workers {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				t0 := time.Now()
				if err := op(w, int(i)); err != nil {
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
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), unit)
	ReportLatencies(b, all)
}

// ReportLatencies reports the p50, p99 and max of latencies in ms.
func ReportLatencies(b *testing.B, latencies []time.Duration) {
	if len(latencies) == 0 {
		return
	}
	slices.Sort(latencies)
	at := func(q float64) float64 {
		return float64(latencies[int(q*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
	b.ReportMetric(at(1), "max-ms")
}
