package shard_test

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/postgres/shard"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// A map over four shards, the bucket an ID carries, and the shard it
// names.
func ExampleNewMap() {
	m, err := shard.NewMap("eu-1", "eu-2", "eu-3", "eu-4")
	if err != nil {
		panic(err)
	}
	fmt.Println(m)

	id, _ := shard.NewID[commerce.CustomerID](6)
	b, _ := shard.BucketOf(id, "id")
	fmt.Println("bucket", b, "on", m.Shards[m.Shard(b)])

	moved, _ := m.WithBucket(6, 0)
	fmt.Println(moved)
	fmt.Println("bucket", b, "on", moved.Shards[moved.Shard(b)])

	_, err = shard.ParseMap([]byte(`{"version": 1, "shards": ["eu-1"], "buckets": [0, 1]}`))
	fmt.Println(err)
	// Output:
	// map v1: eu-1=256 eu-2=256 eu-3=256 eu-4=256
	// bucket 6 on eu-3
	// map v2: eu-1=257 eu-2=256 eu-3=255 eu-4=256
	// bucket 6 on eu-1
	// invalid_argument: shard: map: 2 buckets, want 1024
}

// Wiring a shop on a router: migrate every shard, give each its outbox,
// and let the services mint IDs that carry their owner's bucket.
func ExampleNew() {
	ctx := context.Background()
	var pools []*pgxpool.Pool // one pool per database, from pgxpool.New
	if len(pools) == 0 {
		fmt.Println("no databases configured")
		return
	}
	if err := shard.Migrate(ctx, pools); err != nil {
		panic(err)
	}
	names := make([]string, len(pools))
	shards := make([]shard.Shard, len(pools))
	for i, p := range pools {
		names[i] = fmt.Sprint(i)
		// A real shop passes a pgbus.Outbox on p and runs its relay.
		shards[i] = shard.Shard{Pool: p, Outbox: postgres.DiscardEvents{}}
	}
	m, _ := shard.NewMap(names...)
	r, err := shard.New(m, shards, nil)
	if err != nil {
		panic(err)
	}
	customers, _ := customer.NewService(r.Customers(), &customer.Options{IDs: shard.IDs{}})
	payments, _ := payment.NewService(r.Payments(), nil, &payment.Options{IDs: shard.IDs{}})
	_ = order.Options{IDs: shard.IDs{}} // with r.Orders() in order.NewService
	_, _ = customers, payments
	// Output: no databases configured
}
