package order_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// prices is a one-SKU catalog for the example.
type prices struct{}

func (prices) PriceSKUs(_ context.Context, c commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	out := map[string]catalog.SKUPrice{}
	for _, sku := range skus {
		out[sku] = catalog.SKUPrice{SKU: sku, Title: "Mug", Price: commerce.MustMoney(1200, c), Purchasable: true}
	}
	return out, nil
}

// A whole checkout over memory stores and the fake provider: the cart
// becomes a Confirmed order, the card is charged once, the stock is
// deducted. The same idempotency key returns the same order.
func ExampleService_Checkout() {
	ctx := context.Background()
	carts, _ := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), prices{}, nil)
	stock, _ := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	fake := fakeprovider.New(nil)
	payments, _ := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, nil)
	orders, err := order.NewService(memory.NewOrderStore(&memory.Options{Events: commerce.DiscardEvents{}}), carts, stock, payments, nil)
	if err != nil {
		panic(err)
	}
	_, _ = stock.SetStock(ctx, "MUG", "", 5, "delivery")
	c, _ := carts.Create(ctx, cart.CreateInput{Currency: "USD"})
	_, _ = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 2})

	in := order.CheckoutInput{
		Email:           "ada@example.com",
		ShippingAddress: commerce.Address{Name: "Ada Lovelace", Line1: "12 St James's Square", City: "London", Country: "GB"},
		PaymentMethod:   "pm_card_visa",
		IdempotencyKey:  "checkout-1",
	}
	o, err := orders.Checkout(ctx, c.ID, in)
	if err != nil {
		panic(err)
	}
	again, _ := orders.Checkout(ctx, c.ID, in)
	available, _ := stock.Available(ctx, "MUG")
	fmt.Println(o.Number, o.Status, o.Totals.Total, again.ID == o.ID, len(fake.Charges()), available)
	// Output:
	// 1001 confirmed 24.00 USD true 1 3
}

// A host that keeps its stock elsewhere embeds the cart and checkout
// with an inventory that leaves SKUs it never stocked untracked: the
// checkout reserves them without limit and no stock level is kept.
func ExampleService_Checkout_untrackedStock() {
	ctx := context.Background()
	carts, _ := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), prices{}, nil)
	stock, _ := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}),
		&inventory.Options{Untracked: true})
	payments, _ := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fakeprovider.New(nil), nil)
	orders, err := order.NewService(memory.NewOrderStore(&memory.Options{Events: commerce.DiscardEvents{}}), carts, stock, payments, nil)
	if err != nil {
		panic(err)
	}
	c, _ := carts.Create(ctx, cart.CreateInput{Currency: "USD"})
	_, _ = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 2})

	o, err := orders.Checkout(ctx, c.ID, order.CheckoutInput{
		Email:           "ada@example.com",
		ShippingAddress: commerce.Address{Name: "Ada Lovelace", Line1: "12 St James's Square", City: "London", Country: "GB"},
		PaymentMethod:   "pm_card_visa",
		IdempotencyKey:  "checkout-1",
	})
	if err != nil {
		panic(err)
	}
	res, _ := stock.Get(ctx, o.ReservationID)
	levels, _ := stock.Levels(ctx, "MUG")
	fmt.Println(o.Status, res.Status, res.Untracked, len(levels))
	// Output:
	// confirmed deducted [{MUG 2}] 0
}

// Fulfilment follows the state machine's arrows; a move without an arrow
// is refused.
func ExampleCanTransition() {
	fmt.Println(order.CanTransition(order.StatusPacked, order.StatusShipped))
	fmt.Println(order.CanTransition(order.StatusShipped, order.StatusCancelled))
	// Output:
	// true
	// false
}
