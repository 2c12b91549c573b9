package memory_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// A shop notifies a guest that their order is confirmed through the log
// channel; the same event delivered again sends nothing, and the delivery
// log of the order shows the one message.
func ExampleNewNotifyStore() {
	ctx := context.Background()
	// The log channel writes each message to slog; here without times, so
	// the output is stable.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "id" || a.Key == "text" {
				return slog.Attr{}
			}
			return a
		},
	}))
	store := memory.NewNotifyStore(nil)
	svc, err := notify.NewService(store, []notify.Channel{notify.NewLogChannel(notify.Email, logger)}, nil,
		&notify.Options{ShopName: "Tea Shop", BaseURL: "https://tea.example", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	order := commerce.NewID[commerce.OrderID]()
	req := notify.Request{
		EventID:   commerce.NewID[commerce.EventID](),
		Event:     "order.confirmed",
		Recipient: notify.GuestRecipient("grace@example.com", "Grace"),
		OrderID:   order,
		Data: notify.OrderConfirmedData{Order: notify.OrderSummary{
			ID: order, Number: "1042", Total: commerce.MustMoney(1850, "EUR"),
		}},
	}
	res, err := svc.Notify(ctx, req)
	fmt.Println("sent:", res.Sent(), err)
	res, err = svc.Notify(ctx, req) // redelivered by the bus
	fmt.Println("sent:", res.Sent(), err)

	page, _ := store.ListByOrder(ctx, order, commerce.PageRequest{})
	for _, d := range page.Items {
		fmt.Println(d.Channel, d.To, d.Status, d.Attempts)
	}
	// Output:
	// level=INFO msg="notify: message" event=order.confirmed kind=email to=grace@example.com subject="Your Tea Shop order 1042 is confirmed"
	// sent: 1 <nil>
	// sent: 0 <nil>
	// log-email grace@example.com sent 1
}
