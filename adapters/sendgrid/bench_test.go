package sendgrid_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// BenchmarkSendGridSend measures messages per second through the channel
// into a local server that accepts everything.
func BenchmarkSendGridSend(b *testing.B) {
	f := newFakeSendGrid(b, nil)
	ch := newChannel(b, f.URL)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			m := notify.Message{
				ID: commerce.NewID[commerce.NotificationID](), Kind: notify.Email,
				To: fmt.Sprintf("bench-%d@example.com", i), Subject: "Order confirmed",
				Text: "Total €12.50", HTML: "<p>Total €12.50</p>", Event: "order.confirmed",
			}
			if _, err := ch.Send(context.Background(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
