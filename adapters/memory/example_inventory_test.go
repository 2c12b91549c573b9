package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/inventory"
)

// An abandoned checkout's reservation expires: the sweep gives the stock
// back and announces it, and the late payment can no longer deduct it.
func ExampleNewInventoryStore() {
	ctx := context.Background()
	clock := commerce.NewTestClock(time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC))
	events := commercetest.NewRecorder()
	svc, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: events}), &inventory.Options{Clock: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = svc.SetStock(ctx, "MUG", "", 10, "initial count")
	id := commerce.NewID[commerce.ReservationID]()
	if _, err := svc.Reserve(ctx, id, []inventory.Line{{SKU: "MUG", Quantity: 6}}, 10*time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	available, _ := svc.Available(ctx, "MUG")
	fmt.Println("available while reserved:", available)

	clock.Advance(10 * time.Minute)
	released, _ := svc.ReleaseExpired(ctx)
	available, _ = svc.Available(ctx, "MUG")
	fmt.Println("released:", released, "available:", available)
	fmt.Println(commerce.Code(svc.Deduct(ctx, id)))
	fmt.Println(events.Names())
	// Output:
	// available while reserved: 4
	// released: 1 available: 10
	// failed_precondition
	// [inventory.back_in_stock inventory.reserved inventory.low_stock inventory.released]
}
