package notifytest

import (
	"context"
	"testing"

	"github.com/mercatohq/mercato/notify"
)

// BenchSend measures messages per second through ch from GOMAXPROCS
// goroutines; message(i) builds the i-th message a goroutine sends. It
// reports msgs/s and allocations.
func BenchSend(b *testing.B, ch notify.Channel, message func(i int) notify.Message) {
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := ch.Send(context.Background(), message(i)); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
