package cart_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// A guest fills a cart, logs in and the cart merges into the one they left
// last week; the price of a mug has risen since.
func Example() {
	ctx := context.Background()
	products, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	mug, err := products.CreateProduct(ctx, catalog.ProductInput{
		Title: "Stoneware Mug", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{
			{SKU: "MUG-RED", Options: map[string]string{"colour": "Red"}, Prices: []commerce.Money{commerce.MustMoney(1200, "USD")}},
			{SKU: "MUG-BLUE", Options: map[string]string{"colour": "Blue"}, Prices: []commerce.Money{commerce.MustMoney(1200, "USD")}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := commerce.NewTestClock(time.Date(2030, 5, 1, 9, 0, 0, 0, time.UTC))
	carts, err := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), products, &cart.Options{Clock: clock})
	if err != nil {
		fmt.Println(err)
		return
	}

	customerID := commerce.NewID[commerce.CustomerID]()
	saved, _ := carts.Create(ctx, cart.CreateInput{CustomerID: customerID})
	_, _ = carts.AddItem(ctx, saved.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})

	clock.Advance(24 * time.Hour)
	guest, _ := carts.Create(ctx, cart.CreateInput{})
	_, _ = carts.AddItem(ctx, guest.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 2})
	_, _ = carts.AddItem(ctx, guest.ID, cart.AddItemInput{SKU: "MUG-BLUE", Quantity: 1})
	_, err = carts.AddItem(ctx, guest.ID, cart.AddItemInput{SKU: "MUG-GREEN", Quantity: 1})
	fmt.Println(commerce.Code(err), err)

	mine, err := carts.Merge(ctx, guest.ID, customerID, cart.MergeAddQuantities)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range mine.Lines {
		fmt.Println(l.Quantity, "×", l.Title, "at", l.UnitPrice)
	}

	red := mug.Variants[0]
	red.Prices = []commerce.Money{commerce.MustMoney(1400, "USD")}
	if _, err := products.UpdateVariant(ctx, mug.ID, red.ID, catalog.VariantInput{SKU: red.SKU, Options: red.Options, Prices: red.Prices}); err != nil {
		fmt.Println(err)
		return
	}
	totals, _ := carts.Totals(ctx, mine.ID)
	for _, l := range totals.Lines {
		fmt.Println(l.SKU, l.UnitPrice, "changed:", l.PriceChanged, "total", l.Total)
	}
	fmt.Println("subtotal", totals.Subtotal, "items", totals.ItemCount)

	_, err = carts.AddItem(ctx, guest.ID, cart.AddItemInput{SKU: "MUG-RED", Quantity: 1})
	fmt.Println(commerce.Code(err))
	// Output:
	// invalid_argument invalid_argument: cart: unknown SKU "MUG-GREEN": not_found: catalog: unknown SKU [MUG-GREEN]
	// 3 × Stoneware Mug (Red) at 12.00 USD
	// 1 × Stoneware Mug (Blue) at 12.00 USD
	// MUG-RED 14.00 USD changed: true total 42.00 USD
	// MUG-BLUE 12.00 USD changed: false total 12.00 USD
	// subtotal 54.00 USD items 4
	// failed_precondition
}

// The customer's cart is their "my cart" across devices.
func ExampleService_ForCustomer() {
	ctx := context.Background()
	products, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	carts, _ := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), products, nil)

	customerID := commerce.NewID[commerce.CustomerID]()
	_, err := carts.ForCustomer(ctx, customerID)
	fmt.Println(commerce.Code(err))

	c, _ := carts.Create(ctx, cart.CreateInput{CustomerID: customerID, Currency: "EUR"})
	mine, _ := carts.ForCustomer(ctx, customerID)
	fmt.Println(mine.ID == c.ID, mine.Currency, mine.Status)
	// Output:
	// not_found
	// true EUR active
}
