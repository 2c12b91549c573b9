package pgbus_test

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
)

type OrderPlaced struct {
	OrderID string `json:"order_id"`
}

func (OrderPlaced) EventName() string { return "order.placed" }

// The outbox writes an order and its event in one transaction; the relay
// forwards the event to the bus once the transaction has committed.
func Example_outbox() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/shop")
	if err != nil {
		panic(err)
	}
	defer pool.Close()

	// Any backend works behind the relay; here the bus itself is PostgreSQL.
	backend, err := pgbus.New(pool, nil)
	if err != nil {
		panic(err)
	}
	bus, err := eventbus.New(backend, nil)
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)

	outbox, err := pgbus.NewOutbox(ctx, pool, bus, nil)
	if err != nil {
		panic(err)
	}
	relay, err := pgbus.NewRelay(pool, bus, nil)
	if err != nil {
		panic(err)
	}
	if err := relay.Start(ctx); err != nil {
		panic(err)
	}
	defer relay.Close(ctx)

	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO orders (id) VALUES ($1)`, "ord_1"); err != nil {
			return err
		}
		return outbox.Publish(ctx, tx, commerce.NewEnvelope("ord_1", time.Now(), OrderPlaced{OrderID: "ord_1"}))
	})
	if err != nil {
		panic(err)
	}
}

// Transactions that write to the outbox from many requests at once
// publish quietly and announce after their commit, so PostgreSQL does not
// commit them one at a time.
func ExampleOutbox_PublishQuiet() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/shop")
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), nil)
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, nil)
	if err != nil {
		panic(err)
	}

	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO orders (id) VALUES ($1)`, "ord_2"); err != nil {
			return err
		}
		return outbox.PublishQuiet(ctx, tx, commerce.NewEnvelope("ord_2", time.Now(), OrderPlaced{OrderID: "ord_2"}))
	})
	if err != nil {
		panic(err)
	}
	// Committed: wake the relays.
	if err := outbox.Announce(ctx); err != nil {
		panic(err)
	}
}

// A transaction that locks a contended row encodes its events first, so
// the other transactions waiting on the lock do not wait for the JSON too.
func ExampleOutbox_Encode() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:5432/shop")
	if err != nil {
		panic(err)
	}
	defer pool.Close()
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), nil)
	if err != nil {
		panic(err)
	}
	defer bus.Close(ctx)
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, nil)
	if err != nil {
		panic(err)
	}

	encoded, err := outbox.Encode(commerce.NewEnvelope("ord_3", time.Now(), OrderPlaced{OrderID: "ord_3"}))
	if err != nil {
		panic(err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE stock SET on_hand = on_hand - 1 WHERE sku = $1`, "MUG"); err != nil {
			return err
		}
		return outbox.PublishEncodedQuiet(ctx, tx, encoded)
	})
	if err != nil {
		panic(err)
	}
	if err := outbox.Announce(ctx); err != nil {
		panic(err)
	}
}
