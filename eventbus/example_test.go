package eventbus_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// PointsEarned is an event of the host's own loyalty scheme. The bus
// already knows every Mercato event (order.confirmed and the rest); Handle
// registers a host's own events as it subscribes them.
type PointsEarned struct {
	CustomerID string `json:"customer_id"`
	Points     int64  `json:"points"`
}

func (PointsEarned) EventName() string { return "loyalty.points_earned" }

func Example() {
	ctx := context.Background()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), nil)
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)

	done := make(chan struct{})
	err = eventbus.Handle(bus, "notifications", func(ctx context.Context, env commerce.Envelope, e PointsEarned) error {
		fmt.Printf("%s: tell %s about %d points\n", env.Name, e.CustomerID, e.Points)
		close(done)
		return nil
	})
	if err != nil {
		panic(err)
	}
	if err := bus.Start(ctx); err != nil {
		panic(err)
	}

	event := commerce.NewEnvelope("cus_1", time.Now(), PointsEarned{CustomerID: "cus_1", Points: 50})
	if err := bus.Publish(ctx, event); err != nil {
		panic(err)
	}
	<-done
	// Output: loyalty.points_earned: tell cus_1 about 50 points
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

	_ = eventbus.Handle(bus, "accounting", func(context.Context, commerce.Envelope, PointsEarned) error {
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
	_ = bus.Publish(ctx, commerce.NewEnvelope("cus_2", time.Now(), PointsEarned{CustomerID: "cus_2"}))

	p := <-poisoned
	fmt.Println(p.Name, p.Handler, p.Reason)
	// Output: loyalty.points_earned accounting/loyalty.points_earned ledger is read-only
}

// A handler that only counts events reads their headers: the bus does
// not decode their payloads for it, nor need it know their types.
func ExampleBus_SubscribeHeader() {
	ctx := context.Background()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), nil)
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)

	counted := make(chan commerce.Envelope, 1)
	err = bus.SubscribeHeader("metrics", PointsEarned{}.EventName(), func(_ context.Context, env commerce.Envelope) error {
		counted <- env
		return nil
	})
	if err != nil {
		panic(err)
	}
	if err := bus.Start(ctx); err != nil {
		panic(err)
	}
	_ = bus.Publish(ctx, commerce.NewEnvelope("cus_3", time.Now(), PointsEarned{CustomerID: "cus_3", Points: 10}))

	env := <-counted
	fmt.Println(env.Name, env.AggregateID, env.Payload)
	// Output: loyalty.points_earned cus_3 <nil>
}
