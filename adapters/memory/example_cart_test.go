package memory_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
)

// The memory cart store publishes each write's events once it is applied;
// a refused write publishes nothing.
func ExampleNewCartStore() {
	ctx := context.Background()
	products, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	_, _ = products.CreateProduct(ctx, catalog.ProductInput{
		Title: "Tea Towel", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "TOWEL", Prices: []commerce.Money{commerce.MustMoney(800, "GBP")}}},
	})
	events := commercetest.NewRecorder()
	carts, _ := cart.NewService(memory.NewCartStore(&memory.Options{Events: events}), products, &cart.Options{MaxQuantityPerLine: 10})

	c, _ := carts.Create(ctx, cart.CreateInput{Currency: "GBP"})
	c, _ = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "TOWEL", Quantity: 6})
	_, err := carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "TOWEL", Quantity: 6})
	fmt.Println(err)
	_, _ = carts.UpdateQuantity(ctx, c.ID, c.Lines[0].ID, 0)
	fmt.Println(events.Names())
	// Output:
	// invalid_argument: cart: 12 units of TOWEL in one line exceed the limit of 10
	// [cart.created cart.item_added cart.item_removed]
}
