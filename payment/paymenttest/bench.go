package paymenttest

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// BenchAuthorizeCapture measures Authorize followed by Capture through the
// fake provider over the store newStore returns, one payment per
// iteration, with b.RunParallel's goroutines. It reports ops/s and the
// p50/p99 latency of one Authorize+Capture.
func BenchAuthorizeCapture(b *testing.B, newStore NewStore) {
	store := newStore(b, commerce.DiscardEvents{})
	svc, err := payment.NewService(store, fakeprovider.New(nil), &payment.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		local := make([]time.Duration, 0, 64)
		for pb.Next() {
			t0 := time.Now()
			in := input("pm_card_visa")
			p, err := svc.Authorize(ctx, in)
			if err == nil {
				_, err = svc.Capture(ctx, p.ID, commerce.Money{})
			}
			if err != nil {
				b.Error(err)
				return
			}
			local = append(local, time.Since(t0))
		}
		mu.Lock()
		latencies = append(latencies, local...)
		mu.Unlock()
	})
	b.StopTimer()
	b.ReportMetric(float64(len(latencies))/time.Since(start).Seconds(), "ops/s")
	benchload.ReportLatencies(b, latencies)
}
