package fakeprovider_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// A token scripted to lose the provider's reply after charging: the
// service looks the payment up instead of charging again, and the ledger
// shows one charge.
func ExampleProvider_Script() {
	ctx := context.Background()
	fake := fakeprovider.New(&fakeprovider.Options{Scripts: map[string]fakeprovider.Script{
		"pm_lost_reply": {Outcome: fakeprovider.TimeoutAfterSuccess},
	}})
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, nil)
	if err != nil {
		panic(err)
	}
	p, err := svc.Authorize(ctx, payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(1000, "USD"),
		PaymentMethod: "pm_lost_reply", IdempotencyKey: "checkout-7",
	})
	fmt.Println(p.Status, err, len(fake.Charges()), fake.Calls("authorize"))
	// Output:
	// authorized <nil> 1 1
}

// With AutoCapture, a payment captured at once (CaptureNow) is authorized
// and captured in one provider call, as Stripe does with automatic
// capture: no Capture call follows.
func ExampleOptions_autoCapture() {
	ctx := context.Background()
	fake := fakeprovider.New(&fakeprovider.Options{AutoCapture: true})
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, nil)
	if err != nil {
		panic(err)
	}
	p, err := svc.Authorize(ctx, payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(1000, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "checkout-8", CaptureNow: true,
	})
	fmt.Println(p.Status, p.CapturedAmount, err, fake.Calls("authorize"), fake.Calls("capture"))
	// Output:
	// completed 10.00 USD <nil> 1 0
}
