package sendgrid_test

import (
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

// BenchmarkSendGridSend measures messages per second through the channel
// into a local server that accepts everything.
func BenchmarkSendGridSend(b *testing.B) {
	f := newFakeSendGrid(b, nil)
	notifytest.BenchSend(b, newChannel(b, f.URL), func(i int) notify.Message {
		return notify.Message{
			ID: commerce.NewID[commerce.NotificationID](), Kind: notify.Email,
			To: fmt.Sprintf("bench-%d@example.com", i), Subject: "Order confirmed",
			Text: "Total €12.50", HTML: "<p>Total €12.50</p>", Event: "order.confirmed",
		}
	})
}
