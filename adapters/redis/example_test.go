package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// printEvents is a publisher that hands events to a channel.
type printEvents chan commerce.Envelope

func (p printEvents) Publish(_ context.Context, events ...commerce.Envelope) error {
	for _, e := range events {
		p <- e
	}
	return nil
}

// A cart on Redis, its events published from the outbox by the relay. The
// example runs against MERCATO_REDIS_URL (default
// redis://127.0.0.1:6379/0) under a prefix of its own, removed at the end.
func ExampleNewCartStore() {
	ctx := context.Background()
	url := os.Getenv("MERCATO_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/0"
	}
	opts, err := goredis.ParseURL(url)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := goredis.NewClient(opts)
	defer client.Close()
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	prefix := "example:" + hex.EncodeToString(suffix) + ":cart:"
	defer func() {
		for keys := client.Scan(ctx, 0, prefix+"*", 100).Iterator(); keys.Next(ctx); {
			client.Del(ctx, keys.Val())
		}
	}()

	store, err := redis.NewCartStore(client, &redis.CartOptions{Prefix: prefix})
	if err != nil {
		fmt.Println(err)
		return
	}
	events := make(printEvents, 10)
	relay, err := store.NewOutboxRelay(events, &redis.RelayOptions{Block: 100 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := relay.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}
	defer relay.Close(ctx)

	products, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	_, _ = products.CreateProduct(ctx, catalog.ProductInput{
		Title: "Espresso Cup", Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "CUP", Prices: []commerce.Money{commerce.MustMoney(650, "EUR")}}},
	})
	carts, err := cart.NewService(store, products, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := carts.Create(ctx, cart.CreateInput{Currency: "EUR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "CUP", Quantity: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	ttl, _ := client.TTL(ctx, store.Key(c.ID)).Result()
	fmt.Println(c.Lines[0].Quantity, c.Lines[0].Title, c.Lines[0].UnitPrice, "TTL", ttl.Round(time.Hour))

	for range 2 {
		select {
		case e := <-events:
			fmt.Println(e.Name)
		case <-time.After(10 * time.Second):
			fmt.Println("no event")
			return
		}
	}
	// Output:
	// 2 Espresso Cup 6.50 EUR TTL 168h0m0s
	// cart.created
	// cart.item_added
}
