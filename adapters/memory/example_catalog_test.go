package memory_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
)

// The memory catalog store publishes each change's events once the change
// is applied.
func ExampleNewCatalogStore() {
	events := commercetest.NewRecorder()
	svc, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: events}), nil)
	ctx := context.Background()

	p, _ := svc.CreateProduct(ctx, catalog.ProductInput{
		Title:    "Cast Iron Skillet",
		Variants: []catalog.VariantInput{{SKU: "SKILLET-26", Prices: []commerce.Money{commerce.MustMoney(4500, "USD")}}},
	})
	_, _ = svc.ArchiveProduct(ctx, p.ID)
	fmt.Println(events.Names())
	// Output:
	// [product.created product.archived]
}
