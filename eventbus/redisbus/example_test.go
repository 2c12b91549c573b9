package redisbus_test

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/redisbus"
)

type CartAbandoned struct {
	CartID string `json:"cart_id"`
}

func (CartAbandoned) EventName() string { return "cart.abandoned" }

// A bus on the Redis the shop already runs for carts.
func Example() {
	ctx := context.Background()
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()

	backend, err := redisbus.New(client, &redisbus.Options{KeyPrefix: "events:"})
	if err != nil {
		panic(err)
	}
	bus, err := eventbus.New(backend, nil)
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)

	err = eventbus.Handle(bus, "recommendations", func(_ context.Context, _ commerce.Envelope, e CartAbandoned) error {
		fmt.Println("remember", e.CartID)
		return nil
	})
	if err != nil {
		panic(err)
	}
	if err := bus.Start(ctx); err != nil {
		panic(err)
	}
	_ = bus.Publish(ctx, commerce.NewEnvelope("cart_1", time.Now(), CartAbandoned{CartID: "cart_1"}))
}
