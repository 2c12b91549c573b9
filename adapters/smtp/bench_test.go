package smtp_test

import (
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

// BenchmarkSMTPSend measures messages per second through one channel into
// Mailpit from GOMAXPROCS goroutines, with kept sessions (the default) and
// with one connection per message.
func BenchmarkSMTPSend(b *testing.B) {
	for _, c := range []struct {
		name    string
		maxIdle int
	}{{"kept-sessions", 0}, {"connection-per-message", -1}} {
		b.Run(c.name, func(b *testing.B) {
			addr, _ := testenv.Mailpit(b)
			ch := newChannel(b, smtp.Options{Addr: addr, FromName: "Mercato Shop", MaxIdleConns: c.maxIdle})
			defer ch.Close()
			notifytest.BenchSend(b, ch, func(i int) notify.Message { return email(fmt.Sprintf("bench-%d@example.com", i)) })
		})
	}
}
