package notifytest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// BenchNotify measures notifications/s through the Service over the store
// newStore returns, sending order.confirmed by email through a LogChannel
// that discards its output: rendering, the claim, the send and the record
// of each. "serial" runs one Notify at a time, "parallel" GOMAXPROCS*4
// at once.
func BenchNotify(b *testing.B, newStore func(t testing.TB) notify.Store) {
	run := func(b *testing.B, parallel bool) {
		svc, err := notify.NewService(newStore(b),
			[]notify.Channel{notify.NewLogChannel(notify.Email, slog.New(slog.DiscardHandler))}, nil,
			&notify.Options{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		req := confirmed(notify.GuestRecipient("bench@example.com", "Bench"))
		b.ReportAllocs()
		b.ResetTimer()
		began := time.Now()
		if parallel {
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				r := req
				for pb.Next() {
					r.EventID = commerce.NewID[commerce.EventID]()
					if _, err := svc.Notify(ctx, r); err != nil {
						b.Error(err)
						return
					}
				}
			})
		} else {
			for range b.N {
				req.EventID = commerce.NewID[commerce.EventID]()
				if _, err := svc.Notify(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "notifications/s")
	}
	b.Run("serial", func(b *testing.B) { run(b, false) })
	b.Run("parallel", func(b *testing.B) { run(b, true) })
}
