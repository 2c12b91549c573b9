package memory_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/inventory"
)

// Memory stores write their events into an outbox, which forwards them to
// the bus once started and holds them while the bus is down.
func ExampleNewOutbox() {
	ctx := context.Background()
	bus := commercetest.NewRecorder() // a real host passes its *eventbus.Bus
	outbox, err := memory.NewOutbox(bus, nil)
	if err != nil {
		panic(err)
	}
	stock, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: outbox}), nil)
	if err != nil {
		panic(err)
	}
	if _, err := stock.SetStock(ctx, "TEA-1", "", 12, "delivery"); err != nil {
		panic(err)
	}
	fmt.Println("queued:", outbox.Pending())

	if err := outbox.Start(ctx); err != nil { // once the bus runs
		panic(err)
	}
	if err := outbox.Close(ctx); err != nil { // drains the queue
		panic(err)
	}
	fmt.Println("published:", bus.Names())
	// Output:
	// queued: 1
	// published: [inventory.back_in_stock]
}
