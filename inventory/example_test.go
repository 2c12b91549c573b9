package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// Checkout reserves, then deducts when the payment succeeds; the second
// buyer of the last unit is told what is left.
func Example() {
	ctx := context.Background()
	svc, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := svc.SetStock(ctx, "TSHIRT-M", "", 1, "initial count"); err != nil {
		fmt.Println(err)
		return
	}

	first := commerce.NewID[commerce.ReservationID]()
	res, err := svc.Reserve(ctx, first, []inventory.Line{{SKU: "TSHIRT-M", Quantity: 1}}, 15*time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Allocations)

	_, err = svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{{SKU: "TSHIRT-M", Quantity: 1}}, 15*time.Minute)
	var oos *inventory.OutOfStockError
	if errors.As(err, &oos) {
		fmt.Println(commerce.Code(err), oos.Shortages)
	}

	if err := svc.Deduct(ctx, first); err != nil {
		fmt.Println(err)
		return
	}
	level, _ := svc.Level(ctx, "TSHIRT-M", "")
	fmt.Println("on hand", level.OnHand, "reserved", level.Reserved)
	// Output:
	// reserved [{TSHIRT-M default 1}]
	// out_of_stock [{TSHIRT-M 1 0}]
	// on hand 0 reserved 0
}

// A host that keeps the stock of some SKUs elsewhere runs the service with
// Untracked: a SKU without any stock level reserves without limit, and
// SetStock(0) stops selling it.
func ExampleOptions_untracked() {
	ctx := context.Background()
	store := memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}})
	svc, err := inventory.NewService(store, &inventory.Options{Untracked: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := svc.SetStock(ctx, "MUG", "", 3, "initial count"); err != nil {
		fmt.Println(err)
		return
	}

	id := commerce.NewID[commerce.ReservationID]()
	lines := []inventory.Line{{SKU: "MUG", Quantity: 1}, {SKU: "EBOOK", Quantity: 500}}
	res, err := svc.Reserve(ctx, id, lines, 15*time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("allocations", res.Allocations, "untracked", res.Untracked)
	if err := svc.Deduct(ctx, id); err != nil {
		fmt.Println(err)
		return
	}
	levels, _ := svc.Levels(ctx, "EBOOK")
	fmt.Println("EBOOK levels", len(levels))
	ebook, _ := svc.Availability(ctx, "EBOOK")
	fmt.Println("EBOOK untracked", ebook.Untracked, "in stock", ebook.InStock())

	// An empty level makes the SKU tracked, and out of stock.
	if _, err := svc.SetStock(ctx, "EBOOK", "", 0, "no longer sold"); err != nil {
		fmt.Println(err)
		return
	}
	_, err = svc.Reserve(ctx, commerce.NewID[commerce.ReservationID](), []inventory.Line{{SKU: "EBOOK", Quantity: 1}}, 15*time.Minute)
	fmt.Println(commerce.Code(err))
	ebook, _ = svc.Availability(ctx, "EBOOK")
	fmt.Println("EBOOK untracked", ebook.Untracked, "in stock", ebook.InStock())
	// Output:
	// allocations [{MUG default 1}] untracked [{EBOOK 500}]
	// EBOOK levels 0
	// EBOOK untracked true in stock true
	// out_of_stock
	// EBOOK untracked false in stock false
}

// Availability is what a product page or a search index asks of a SKU:
// the units left, or, under Untracked, that it sells without limit.
func ExampleService_Availability() {
	ctx := context.Background()
	store := memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}})
	svc, err := inventory.NewService(store, &inventory.Options{Untracked: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := svc.SetStock(ctx, "MUG", "", 3, "initial count"); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := svc.SetStock(ctx, "VASE", "", 0, "no longer sold"); err != nil {
		fmt.Println(err)
		return
	}
	for _, sku := range []string{"MUG", "VASE", "POSTER"} {
		a, err := svc.Availability(ctx, sku)
		if err != nil {
			fmt.Println(err)
			return
		}
		switch {
		case a.Untracked:
			fmt.Println(sku, "in stock")
		case a.InStock():
			fmt.Println(sku, a.Units, "left")
		default:
			fmt.Println(sku, "sold out")
		}
	}
	// Output:
	// MUG 3 left
	// VASE sold out
	// POSTER in stock
}
