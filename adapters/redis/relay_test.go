package redis_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/internal/testenv"
)

const waitEvents = 10 * time.Second

// waitUntil polls cond, a Redis query, until it holds or the deadline
// passes.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitEvents)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", waitEvents, what)
		}
	}
}

func streamLen(t *testing.T, env *testenv.RedisEnv, stream string) int64 {
	t.Helper()
	n, err := env.Client.XLen(context.Background(), stream).Result()
	require.NoError(t, err)
	return n
}

// A write commits its events into the outbox even with no relay running;
// the relay started later publishes them and empties the stream.
func TestOutboxRelayDeliversWhatWaited(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	c, err := svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	_, err = svc.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "MUG", Quantity: 1})
	require.NoError(t, err)
	require.Equal(t, int64(2), streamLen(t, env, store.OutboxStream()), "the events sit in the outbox")

	rec := commercetest.NewRecorder()
	startRelay(t, env, store, rec, nil)
	rec.WaitFor(t, waitEvents, "cart.item_added", 1)
	require.Equal(t, []string{"cart.created", "cart.item_added"}, rec.Names())
	waitUntil(t, "the outbox to empty", func() bool { return streamLen(t, env, store.OutboxStream()) == 0 })
}

// flakyPublisher refuses the first failures publishes, then records.
type flakyPublisher struct {
	mu       sync.Mutex
	failures int
	calls    int
	rec      *commercetest.Recorder
}

func (p *flakyPublisher) Publish(ctx context.Context, events ...commerce.Envelope) error {
	p.mu.Lock()
	p.calls++
	fail := p.calls <= p.failures
	p.mu.Unlock()
	if fail {
		return errors.New("bus down")
	}
	return p.rec.Publish(ctx, events...)
}

// A publish that fails is retried with the same events until it succeeds.
func TestOutboxRelayRetriesFailedPublish(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	pub := &flakyPublisher{failures: 3, rec: commercetest.NewRecorder()}
	startRelay(t, env, store, pub, nil)
	c, err := svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	got := pub.rec.WaitFor(t, waitEvents, "cart.created", 1)
	require.Equal(t, c.ID.String(), got[0].AggregateID)
	pub.mu.Lock()
	require.Greater(t, pub.calls, 3)
	pub.mu.Unlock()
	waitUntil(t, "the outbox to empty", func() bool { return streamLen(t, env, store.OutboxStream()) == 0 })
	require.Len(t, pub.rec.Named("cart.created"), 1)
}

// Entries a relay read and never acknowledged (it died) are taken over by
// another once idle.
func TestOutboxRelayClaimsFromDeadConsumer(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	require.NoError(t, env.Client.XGroupCreateMkStream(ctx, store.OutboxStream(), redis.DefaultGroup, "0").Err())
	c, err := svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	read, err := env.Client.XReadGroup(ctx, &goredis.XReadGroupArgs{
		Group: redis.DefaultGroup, Consumer: "dead", Streams: []string{store.OutboxStream(), ">"}, Count: 10, Block: -1,
	}).Result()
	require.NoError(t, err)
	require.Len(t, read[0].Messages, 1, "the dead consumer holds the entry")

	rec := commercetest.NewRecorder()
	startRelay(t, env, store, rec, func(o *redis.RelayOptions) { o.ClaimIdle = 20 * time.Millisecond })
	got := rec.WaitFor(t, waitEvents, "cart.created", 1)
	require.Equal(t, c.ID.String(), got[0].AggregateID)
	waitUntil(t, "the pending entry to be acknowledged", func() bool {
		p, err := env.Client.XPending(ctx, store.OutboxStream(), redis.DefaultGroup).Result()
		require.NoError(t, err)
		return p.Count == 0
	})
}

// An entry that cannot be decoded goes to the dead-letter stream and does
// not hold back the events behind it.
func TestOutboxRelayDeadLetters(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	require.NoError(t, env.Client.XAdd(ctx, &goredis.XAddArgs{Stream: store.OutboxStream(), Values: map[string]any{"envelope": `{"name":"nope.nope"}`}}).Err())
	_, err := svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	rec := commercetest.NewRecorder()
	startRelay(t, env, store, rec, nil)
	rec.WaitFor(t, waitEvents, "cart.created", 1)
	waitUntil(t, "the dead letter", func() bool { return streamLen(t, env, store.OutboxStream()+":dead") == 1 })
	waitUntil(t, "the outbox to empty", func() bool { return streamLen(t, env, store.OutboxStream()) == 0 })
	require.Equal(t, []string{"cart.created"}, rec.Names())
}

func TestOutboxRelayLifecycle(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	rec := commercetest.NewRecorder()

	// Run blocks until its context ends.
	relay, err := store.NewOutboxRelay(rec, &redis.RelayOptions{Block: 20 * time.Millisecond, Logger: quiet})
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- relay.Run(runCtx) }()
	_, err = svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	rec.WaitFor(t, waitEvents, "cart.created", 1)
	stop()
	require.NoError(t, <-ran)

	// Start, Close twice, no Start after Close.
	other, err := redis.NewOutboxRelay(env.Client, rec, &redis.RelayOptions{Stream: store.OutboxStream(), Block: 20 * time.Millisecond, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, other.Start(ctx))
	require.NoError(t, other.Start(ctx), "starting twice")
	require.NoError(t, other.Close(ctx))
	require.NoError(t, other.Close(ctx), "closing twice")
	require.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(other.Start(ctx)))
	unstarted, err := store.NewOutboxRelay(rec, nil)
	require.NoError(t, err)
	require.NoError(t, unstarted.Close(ctx))

	_, err = redis.NewOutboxRelay(nil, rec, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = store.NewOutboxRelay(rec, &redis.RelayOptions{Block: -1})
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

// TestOutboxRelayReadsItsStoresStream: a relay cannot be made for another
// stream than its store writes, which would relay nothing without an
// error: NewOutboxRelay needs the stream, and CartStore.NewOutboxRelay
// takes the store's and refuses another.
func TestOutboxRelayReadsItsStoresStream(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	rec := commercetest.NewRecorder()

	_, err := redis.NewOutboxRelay(env.Client, rec, nil)
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "no stream named")
	_, err = store.NewOutboxRelay(rec, &redis.RelayOptions{Stream: redis.DefaultPrefix + "outbox-elsewhere"})
	require.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "another stream than the store's")

	relay, err := store.NewOutboxRelay(rec, &redis.RelayOptions{Block: 20 * time.Millisecond, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	t.Cleanup(func() { _ = relay.Close(ctx) })
	_, err = svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)
	rec.Await(t, "cart.created", 1)
}
