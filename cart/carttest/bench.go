package carttest

import (
	"context"
	"fmt"
	"testing"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/benchload"
)

const (
	// benchLines is the lines of a benchmark cart: a large everyday cart.
	benchLines = 10
	// benchAddsPerCart is how many adds a shopper makes to one cart
	// before starting another, well below the quantity limit.
	benchAddsPerCart = benchLines * 50
)

// BenchAddItem measures Service.AddItem over the stores newStore makes
// (events go to commerce.DiscardEvents), with 1 and 16 concurrent
// shoppers, each filling their own cart: the first adds create lines, the
// rest raise them, through the same read, price and write. It reports
// p50/p99/max latency of one AddItem, AddItem calls per second (ops/s)
// and, with -benchmem, allocations per add. A shopper starts a new cart
// every 500 adds, inside the add that finds the last one full: 0.2% of
// the adds, below what p99 sees.
func BenchAddItem(b *testing.B, newStore NewStore) {
	for _, shoppers := range []int{1, 16} {
		b.Run(fmt.Sprintf("goroutines=%d", shoppers), func(b *testing.B) { benchAddItem(b, newStore, shoppers) })
	}
}

func benchAddItem(b *testing.B, newStore NewStore, shoppers int) {
	ctx := context.Background()
	svc, err := cart.NewService(newStore(b, commerce.DiscardEvents{}), newPriceTable(), nil)
	if err != nil {
		b.Fatal(err)
	}
	carts := make([]cart.Cart, shoppers)
	benchload.Run(b, shoppers, "ops/s", func(w, _ int) error {
		if carts[w].Version == 0 || carts[w].ItemCount() >= benchAddsPerCart {
			created, err := svc.Create(ctx, cart.CreateInput{})
			if err != nil {
				return err
			}
			carts[w] = created
		}
		c, err := svc.AddItem(ctx, carts[w].ID, cart.AddItemInput{SKU: raceSKU(carts[w].ItemCount() % benchLines), Quantity: 1})
		carts[w] = c
		return err
	})
}
