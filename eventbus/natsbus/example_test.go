package natsbus_test

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/natsbus"
)

// OrderPlaced is the event the example publishes.
type OrderPlaced struct {
	Total int64 `json:"total"`
}

// EventName implements commerce.Event.
func (OrderPlaced) EventName() string { return "order.placed" }

// A bus on NATS JetStream, built from the host's connection: publish an
// event and handle it in a consumer group. It needs a server with
// JetStream (nats-server -js), so it is compiled but not run.
func ExampleNew() {
	conn, err := nats.Connect(nats.DefaultURL) // the connection the host already has
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close() // after the bus: the backend never closes it

	backend, err := natsbus.New(conn, &natsbus.Options{
		AckWaitTimeout: time.Minute, // the slowest handler, retries included, must fit
		MaxAge:         30 * 24 * time.Hour,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	bus, err := eventbus.New(backend, &eventbus.Options{TopicPrefix: "shop_"}) // the bus closes the backend
	if err != nil {
		fmt.Println(err)
		return
	}

	handled := make(chan string, 1)
	err = eventbus.Handle(bus, "notify", func(_ context.Context, env commerce.Envelope, e OrderPlaced) error {
		select { // delivery is at-least-once: report the first one only
		case handled <- fmt.Sprintf("%s for %s: total %d", env.Name, env.AggregateID, e.Total):
		default:
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := bus.Start(ctx); err != nil { // creates stream shop_order-placed and consumer notify
		fmt.Println(err)
		return
	}
	if err := bus.Publish(ctx, commerce.NewEnvelope("ord_1", time.Now(), OrderPlaced{Total: 1999})); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case got := <-handled:
		fmt.Println(got) // order.placed for ord_1: total 1999
	case <-ctx.Done():
		fmt.Println("no delivery:", ctx.Err())
	}
	if err := bus.Close(ctx); err != nil {
		fmt.Println(err)
	}
}
