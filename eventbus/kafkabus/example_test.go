package kafkabus_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/kafkabus"
)

// OrderPlaced is the event the example publishes.
type OrderPlaced struct {
	Total int64 `json:"total"`
}

// EventName implements commerce.Event.
func (OrderPlaced) EventName() string { return "order.placed" }

// A bus on Kafka: publish an event and handle it in a consumer group. The
// in-process kfake cluster stands in for the host's brokers.
func ExampleNew() {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cluster.Close()
	brokers := cluster.ListenAddrs() // in production: the host's bootstrap addresses

	logger := slog.New(slog.DiscardHandler)
	backend, err := kafkabus.New(brokers, &kafkabus.Options{Logger: logger})
	if err != nil {
		fmt.Println(err)
		return
	}
	bus, err := eventbus.New(backend, &eventbus.Options{Logger: logger}) // the bus closes the backend
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
	if err := bus.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := bus.Publish(ctx, commerce.NewEnvelope("ord_1", time.Now(), OrderPlaced{Total: 1999})); err != nil {
		fmt.Println(err)
		return
	}
	select {
	case got := <-handled:
		fmt.Println(got)
	case <-ctx.Done():
		fmt.Println("no delivery:", ctx.Err())
	}
	if err := bus.Close(ctx); err != nil {
		fmt.Println(err)
	}
	// Output: order.placed for ord_1: total 1999
}
