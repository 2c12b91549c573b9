package eventbus_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// OrderConfirmed is a domain event.
type OrderConfirmed struct {
	OrderID string `json:"order_id"`
	Total   int64  `json:"total"`
}

func (OrderConfirmed) EventName() string { return "order.confirmed" }

func Example() {
	ctx := context.Background()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), nil)
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)

	done := make(chan struct{})
	err = eventbus.Handle(bus, "notifications", func(ctx context.Context, env commerce.Envelope, e OrderConfirmed) error {
		fmt.Printf("%s: email the receipt for %s (%d)\n", env.Name, e.OrderID, e.Total)
		close(done)
		return nil
	})
	if err != nil {
		panic(err)
	}
	if err := bus.Start(ctx); err != nil {
		panic(err)
	}

	event := commerce.NewEnvelope("ord_1", time.Now(), OrderConfirmed{OrderID: "ord_1", Total: 4999})
	if err := bus.Publish(ctx, event); err != nil {
		panic(err)
	}
	<-done
	// Output: order.confirmed: email the receipt for ord_1 (4999)
}

func ExampleBus_SubscribePoisoned() {
	ctx := context.Background()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{
		Retry: eventbus.RetryPolicy{MaxAttempts: 2, InitialInterval: time.Millisecond},
	})
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)

	_ = eventbus.Handle(bus, "accounting", func(context.Context, commerce.Envelope, OrderConfirmed) error {
		return fmt.Errorf("ledger is read-only")
	})
	poisoned := make(chan eventbus.PoisonedEvent, 1)
	_ = bus.SubscribePoisoned("ops", func(_ context.Context, p eventbus.PoisonedEvent) error {
		poisoned <- p
		return nil
	})
	if err := bus.Start(ctx); err != nil {
		panic(err)
	}
	_ = bus.Publish(ctx, commerce.NewEnvelope("ord_2", time.Now(), OrderConfirmed{OrderID: "ord_2"}))

	p := <-poisoned
	fmt.Println(p.Name, p.Handler, p.Reason)
	// Output: order.confirmed accounting/order.confirmed ledger is read-only
}
