package recommend_test

import (
	"context"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/sample"
)

// millionShoppers is a world of about a million activities: 20,000
// products, 51,000 shoppers with 3 sessions each on average over 60 days.
var millionShoppers = sample.Config{Seed: 7, Products: 20_000, Categories: 40, Tastes: 200, Shoppers: 51_000, Sessions: 3}

// peakHeap samples the live heap every few milliseconds until stop is
// called, which returns the highest sample.
func peakHeap() (stop func() uint64) {
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { close(done); wg.Wait(); return peak }
}

// BenchmarkBatchMillion runs the batch from scratch over about a million
// generated activities (read from a generating log, so the heap is the
// batch's and one day of generated sessions) into a memory store, and
// reports the activities per run, the time and the peak live heap.
func BenchmarkBatchMillion(b *testing.B) {
	log := sample.New(millionShoppers).Log()
	var rep recommend.Report
	runtime.GC()
	cpu0 := cpuTime()
	stop := peakHeap()
	for b.Loop() {
		batch, err := recommend.NewBatch(log, memory.NewRecommendationStore(nil), &recommend.BatchOptions{Logger: quiet, Retention: -1})
		if err != nil {
			b.Fatal(err)
		}
		if rep, err = batch.RunBatch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	peak := stop()
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/run")
	b.ReportMetric(float64(rep.Activities), "activities")
	b.ReportMetric(float64(rep.Pairs), "pairs")
	b.ReportMetric(float64(rep.Lists), "lists")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
}

// cpuTime is the CPU time the process has used, user and system: on a
// shared machine it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
