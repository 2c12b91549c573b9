package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// A shop wires the order service into the notifier's directory. Order
// events carry the whole order, so order.confirmed reaches Ada without a
// lookup; payment.failed names only the order, and the OrderDirectory
// reads it to find her and to name it by its number. Ada opted into SMS too, so she gets both.
func ExampleOrderDirectory() {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}

	// The shop, in memory; the order store's events land in events.
	events := commercetest.NewRecorder()
	customers, err := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	must(err)
	carts, err := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), shelf{"TEA-1": 1299}, nil)
	must(err)
	stock, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	must(err)
	payments, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), memory.NewPaymentProvider(nil), &payment.Options{Logger: quiet})
	must(err)
	orders, err := order.NewService(memory.NewOrderStore(&memory.Options{Events: events}), carts, stock, payments, &order.Options{Logger: quiet})
	must(err)

	// The notifier finds customers, and orders through the order service.
	dir := notify.CustomerDirectory(customers)
	dir.Orders = notify.OrderDirectory(orders, dir)
	email := notifytest.NewScriptedChannel("smtp", notify.Email)
	sms := notifytest.NewScriptedChannel("twilio", notify.SMS)
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{email, sms}, dir,
		&notify.Options{ShopName: "Tea Shop", BaseURL: "https://tea.example", Logger: quiet})
	must(err)

	// Ada, who takes texts, buys two teas.
	ada, err := customers.Register(ctx, customer.RegisterInput{Email: "ada@example.com", Name: "Ada", Password: "correct horse battery", Phone: "+41791234567"})
	must(err)
	_, err = customers.Update(ctx, ada.ID, customer.UpdateInput{Preferences: &customer.Preferences{Email: true, SMS: true}})
	must(err)
	_, err = stock.SetStock(ctx, "TEA-1", "", 10, "delivery")
	must(err)
	c, err := carts.Create(ctx, cart.CreateInput{CustomerID: ada.ID, Currency: "USD"})
	must(err)
	_, err = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "TEA-1", Quantity: 2})
	must(err)
	o, err := orders.Checkout(ctx, c.ID, order.CheckoutInput{
		Email:           "ada@example.com",
		ShippingAddress: commerce.Address{Name: "Ada Lovelace", Line1: "12 St James's Square", City: "London", PostalCode: "SW1Y 4JH", Country: "GB"},
		PaymentMethod:   "pm_card_visa", IdempotencyKey: "checkout-1",
	})
	must(err)

	// The bus hands the notifier order.confirmed...
	confirmed, _ := svc.Handler("order.confirmed")
	must(confirmed(ctx, events.Named("order.confirmed")[0]))
	// ...and, say, a capture that failed for good.
	failed, _ := svc.Handler("payment.failed")
	must(failed(ctx, commerce.NewEnvelope("pay", time.Now(), payment.Failed{
		OrderID: o.ID, PaymentID: o.PaymentIDs[0], Amount: o.Totals.Total, Stage: "capture", Final: true,
	})))

	for _, m := range email.Delivered() {
		fmt.Println("email:", m.To, "|", m.Subject)
	}
	for _, m := range sms.Delivered() {
		fmt.Println("sms:", m.To, "|", m.Text)
	}
	// Output:
	// email: ada@example.com | Your Tea Shop order 1001 is confirmed
	// email: ada@example.com | Action needed: payment for your Tea Shop order 1001
	// sms: +41791234567 | Tea Shop: order 1001 is confirmed, total 25.98 USD. We will text you when it ships.
	// sms: +41791234567 | Tea Shop: the payment of 25.98 USD for order 1001 failed. Please update your payment method.
}

// shelf prices SKUs in US cents for the example's carts.
type shelf map[string]int64

func (s shelf) PriceSKUs(_ context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	out := make(map[string]catalog.SKUPrice, len(skus))
	for _, sku := range skus {
		cents, ok := s[sku]
		if !ok || currency != "USD" {
			return nil, commerce.Errorf(commerce.CodeNotFound, "no price for %s in %s", sku, currency)
		}
		out[sku] = catalog.SKUPrice{SKU: sku, Title: "Tea " + sku, Price: commerce.MustMoney(cents, currency), Purchasable: true}
	}
	return out, nil
}
