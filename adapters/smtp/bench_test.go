package smtp_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/internal/testenv"
)

// BenchmarkSMTPSend measures messages per second through one channel into
// Mailpit, one connection per message, from GOMAXPROCS goroutines.
func BenchmarkSMTPSend(b *testing.B) {
	addr, _ := testenv.Mailpit(b)
	ch := newChannel(b, smtp.Options{Addr: addr, FromName: "Mercato Shop"})
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			m := email(fmt.Sprintf("bench-%d@example.com", i))
			if _, err := ch.Send(context.Background(), m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
