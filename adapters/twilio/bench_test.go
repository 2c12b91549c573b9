package twilio_test

import (
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

// BenchmarkTwilioSend measures messages per second through the channel
// into a local server that accepts everything.
func BenchmarkTwilioSend(b *testing.B) {
	f := newFakeTwilio(b, nil)
	notifytest.BenchSend(b, newChannel(b, f.URL), func(i int) notify.Message {
		return notify.Message{ID: commerce.NewID[commerce.NotificationID](), Kind: notify.SMS, To: fmt.Sprintf("+1415%07d", i), Text: "Order #1042 confirmed"}
	})
}
