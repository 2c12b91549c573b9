package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
	"github.com/mercatohq/mercato/payment"
)

// A payment that finally failed is mailed to whoever placed the order,
// found through the Directory; a payment the shop will retry is not.
func ExampleService_Handler() {
	ctx := context.Background()
	order := commerce.NewID[commerce.OrderID]()
	dir := &notifytest.FakeDirectory{Orders: map[commerce.OrderID]notify.Recipient{
		order: notify.GuestRecipient("grace@example.com", "Grace"),
	}}
	mail := notifytest.NewScriptedChannel("smtp", notify.Email)
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{mail}, dir,
		&notify.Options{ShopName: "Tea Shop", BaseURL: "https://tea.example", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	fmt.Println(svc.Events())

	handle, _ := svc.Handler("payment.failed")
	amount := commerce.MustMoney(1850, "EUR")
	retried := commerce.NewEnvelope("pay", time.Now(), payment.Failed{OrderID: order, Amount: amount, Final: false})
	final := commerce.NewEnvelope("pay", time.Now(), payment.Failed{OrderID: order, Amount: amount, Final: true, FailureMessage: "Card expired."})
	fmt.Println(handle(ctx, retried), handle(ctx, final), handle(ctx, final))
	for _, m := range mail.Delivered() {
		fmt.Println(m.To, "|", strings.Replace(m.Subject, order.String(), "<order>", 1))
	}
	// Output:
	// [customer.password_reset_requested customer.registered order.cancelled order.confirmed order.delivered order.refunded order.shipped payment.failed]
	// <nil> <nil> <nil>
	// grace@example.com | Action needed: payment for your Tea Shop order <order>
}
