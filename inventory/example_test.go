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
