package redis_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/cart/carttest"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// BenchmarkAddItem measures AddItem against the real Redis: the service's
// read of the cart, then the store's optimistic write (one Lua script
// writing the cart, the index, the TTLs and the events). "outbox-relay"
// is the production setup, events appended to the outbox and published by
// a relay running in the same process; "discard-events" writes no events,
// which shows what the relay costs the writers on a shared machine.
func BenchmarkAddItem(b *testing.B) {
	b.Run("outbox-relay", func(b *testing.B) { carttest.BenchAddItem(b, newStore) })
	b.Run("discard-events", func(b *testing.B) {
		carttest.BenchAddItem(b, func(tb testing.TB, _ commerce.EventPublisher) cart.Store {
			env := testenv.Redis(tb)
			store, err := redis.NewCartStore(env.Client, &redis.CartOptions{Prefix: env.Prefix, DiscardEvents: true})
			require.NoError(tb, err)
			return store
		})
	})
}
