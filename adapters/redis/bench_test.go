package redis_test

import (
	"context"
	"sync/atomic"
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

// countingPublisher counts events and closes done once it has seen want.
type countingPublisher struct {
	seen atomic.Int64
	want int64
	done chan struct{}
}

func (p *countingPublisher) Publish(_ context.Context, events ...commerce.Envelope) error {
	if p.seen.Add(int64(len(events))) == p.want {
		close(p.done)
	}
	return nil
}

// BenchmarkOutboxRelay measures how fast one relay drains an outbox of
// b.N events (one cart.created per write) written before it starts.
func BenchmarkOutboxRelay(b *testing.B) {
	ctx := context.Background()
	env := testenv.Redis(b)
	store, err := redis.NewCartStore(env.Client, &redis.CartOptions{Prefix: env.Prefix})
	require.NoError(b, err)
	svc, err := cart.NewService(store, pricer{}, nil)
	require.NoError(b, err)
	for range b.N {
		_, err := svc.Create(ctx, cart.CreateInput{})
		require.NoError(b, err)
	}
	pub := &countingPublisher{want: int64(b.N), done: make(chan struct{})}
	b.ResetTimer()
	startRelay(b, env, store, pub, nil)
	<-pub.done
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
