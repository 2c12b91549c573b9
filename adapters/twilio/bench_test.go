package twilio_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// BenchmarkTwilioSend measures messages per second through the channel
// into a local server that accepts everything.
func BenchmarkTwilioSend(b *testing.B) {
	f := newFakeTwilio(b, nil)
	ch := newChannel(b, f.URL)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			m := notify.Message{ID: commerce.NewID[commerce.NotificationID](), Kind: notify.SMS, To: fmt.Sprintf("+1415%07d", i), Text: "Order #1042 confirmed"}
			if _, err := ch.Send(context.Background(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
