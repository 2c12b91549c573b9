package sample_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/catalog/sample"
	"github.com/mercatohq/mercato/commerce"
)

// A seeded generator fills a catalog through the ordinary import, one
// product at a time.
func Example() {
	ctx := context.Background()
	svc, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)

	gen := sample.New(42)
	tax, err := gen.CreateTaxonomy(ctx, svc)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := svc.Import(ctx, gen.Products(tax, 1000), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("brands:", len(tax.Brands), "categories:", len(tax.Categories))
	fmt.Println("imported:", res.Done, "failed:", res.Failed)

	audio, _ := tax.CategoryByName("Audio")
	page, _ := svc.ListProducts(ctx, catalog.ProductFilter{CategoryID: audio.ID, Status: catalog.StatusActive}, commerce.PageRequest{Limit: 3})
	for _, p := range page.Items {
		fmt.Println(p.Title, "-", len(p.Variants), "variant(s)")
	}
	// Output:
	// brands: 40 categories: 20
	// imported: 1000 failed: 0
	// Monarch Pro Wireless Headphones C900 - 3 variant(s)
	// Umber Air Soundbar H700 - 1 variant(s)
	// Willow Air Noise-Cancelling Headphones C800 - 1 variant(s)
}
