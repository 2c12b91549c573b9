package catalog_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// A product with two variants is created, priced for a cart and reviewed.
func Example() {
	ctx := context.Background()
	svc, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)

	audio, _ := svc.CreateCategory(ctx, catalog.CategoryInput{Name: "Audio"})
	p, err := svc.CreateProduct(ctx, catalog.ProductInput{
		Title:       "Acme Pro Wireless Headphones X200",
		CategoryIDs: []commerce.CategoryID{audio.ID},
		Status:      catalog.StatusActive,
		Variants: []catalog.VariantInput{
			{SKU: "ACME-X200-BLK", Options: map[string]string{"colour": "Black"},
				Prices: []commerce.Money{commerce.MustMoney(19900, "USD"), commerce.MustMoney(18900, "EUR")}},
			{SKU: "ACME-X200-WHT", Options: map[string]string{"colour": "White"},
				Prices: []commerce.Money{commerce.MustMoney(19900, "USD")}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Handle, p.Status, len(p.Variants))

	price, _ := svc.PriceSKU(ctx, "ACME-X200-BLK", "EUR")
	fmt.Println(price.Title, price.Price, price.Purchasable)

	_, err = svc.PriceSKU(ctx, "ACME-X200-WHT", "EUR")
	fmt.Println(commerce.Code(err))

	for _, stars := range []int{5, 4} {
		_, _ = svc.AddReview(ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: stars})
	}
	p, _ = svc.GetProduct(ctx, p.ID)
	fmt.Printf("%.1f stars from %d reviews\n", p.Rating.Average(), p.Rating.Count)
	// Output:
	// acme-pro-wireless-headphones-x200 active 2
	// Acme Pro Wireless Headphones X200 (Black) 189.00 EUR true
	// failed_precondition
	// 4.5 stars from 2 reviews
}

// Invalid input is refused with a code and the offending field.
func ExampleService_CreateProduct_invalid() {
	svc, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	_, err := svc.CreateProduct(context.Background(), catalog.ProductInput{
		Title:    "Mug",
		Variants: []catalog.VariantInput{{SKU: "MUG-1", Prices: []commerce.Money{commerce.MustMoney(900, "USD"), commerce.MustMoney(950, "USD")}}},
	})
	fmt.Println(commerce.Code(err))
	fmt.Println(err)
	// Output:
	// invalid_argument
	// invalid_argument: catalog: variants[0].prices has two prices in USD
}
