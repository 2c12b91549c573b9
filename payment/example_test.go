package payment_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// Checkout authorizes with the order's idempotency key; a repeat of the
// call (a client retry, a second tab) returns the same payment and charges
// nothing more.
func ExampleService_Authorize() {
	ctx := context.Background()
	fake := fakeprovider.New(nil)
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, nil)
	if err != nil {
		panic(err)
	}
	in := payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(2500, "EUR"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "checkout-42",
	}
	first, _ := svc.Authorize(ctx, in)
	again, _ := svc.Authorize(ctx, in)
	fmt.Println(first.Status, first.ID == again.ID, len(fake.Charges()))

	in.IdempotencyKey, in.PaymentMethod = "checkout-43", "pm_card_chargeDeclined"
	declined, err := svc.Authorize(ctx, in)
	var ce *commerce.Error
	errors.As(err, &ce)
	fmt.Println(declined.Status, commerce.Code(err), ce.Details["decline_code"])
	// Output:
	// authorized true 1
	// failed payment_declined generic_decline
}

// The transitions of the payment state machine, the void of an
// authorization included.
func ExampleCanTransition() {
	fmt.Println(payment.CanTransition(payment.StatusAuthorized, payment.StatusCaptured))
	fmt.Println(payment.CanTransition(payment.StatusAuthorized, payment.StatusCancelled))
	fmt.Println(payment.CanTransition(payment.StatusCompleted, payment.StatusFailed))
	// Output:
	// true
	// true
	// false
}

// A caller that writes the payment in its own transactions records it,
// calls the provider with nothing open, and records the answer where it
// chooses: a payment captured in the call is final once concluded.
func ExampleService_Conclude() {
	ctx := context.Background()
	fake := fakeprovider.New(&fakeprovider.Options{AutoCapture: true})
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, nil)
	if err != nil {
		panic(err)
	}
	recorded, _, err := svc.Record(ctx, payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(2500, "EUR"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "checkout-44", CaptureNow: true,
	})
	if err != nil {
		panic(err)
	}
	a, err := svc.Call(ctx, recorded, "Order 44")
	if err != nil {
		panic(err)
	}
	p, err := svc.Conclude(ctx, a)
	fmt.Println(a.Captured(), p.Status, p.CapturedAmount, err)
	// Output:
	// true completed 25.00 EUR <nil>
}
