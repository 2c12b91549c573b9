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
// Mailpit, one connection per message, from GOMAXPROCS goroutines.
func BenchmarkSMTPSend(b *testing.B) {
	addr, _ := testenv.Mailpit(b)
	ch := newChannel(b, smtp.Options{Addr: addr, FromName: "Mercato Shop"})
	notifytest.BenchSend(b, ch, func(i int) notify.Message { return email(fmt.Sprintf("bench-%d@example.com", i)) })
}
