package memory_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// A checkout authorizes with the order's idempotency key, captures at
// shipment and refunds part of it later; a declined card keeps the
// provider's reason.
func ExampleNewPaymentStore() {
	ctx := context.Background()
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), memory.NewPaymentProvider(nil), nil)
	if err != nil {
		panic(err)
	}
	order := commerce.NewID[commerce.OrderID]()
	p, err := svc.Authorize(ctx, payment.AuthorizeInput{
		OrderID: order, Amount: commerce.MustMoney(4999, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "checkout-" + order.String(),
	})
	fmt.Println(p.Status, err)

	p, _ = svc.Capture(ctx, p.ID, commerce.Money{})
	fmt.Println(p.Status, p.CapturedAmount)

	r, _ := svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: commerce.MustMoney(1000, "USD"), Reason: "scratched", IdempotencyKey: "rma-1"})
	p, _ = svc.Get(ctx, p.ID)
	fmt.Println(r.Status, p.RefundedAmount)

	_, err = svc.Authorize(ctx, payment.AuthorizeInput{
		OrderID: order, Amount: commerce.MustMoney(4999, "USD"),
		PaymentMethod: "pm_card_chargeDeclinedInsufficientFunds", IdempotencyKey: "checkout-2",
	})
	fmt.Println(commerce.Code(err))
	// Output:
	// authorized <nil>
	// completed 49.99 USD
	// succeeded 10.00 USD
	// payment_declined
}
