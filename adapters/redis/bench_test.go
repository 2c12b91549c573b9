package redis_test

import (
	"testing"

	"github.com/mercatohq/mercato/cart/carttest"
)

// BenchmarkAddItem measures AddItem against the real Redis: the service's
// read of the cart, then the store's optimistic write (one Lua script
// writing the cart, its TTL and the events to the outbox), with the outbox
// relay publishing beside it as in production.
func BenchmarkAddItem(b *testing.B) { carttest.BenchAddItem(b, newStore) }
