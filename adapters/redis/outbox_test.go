package redis_test

import (
	"context"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce/commercetest"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// The outbox is a stream that plain Watermill reads: a redisstream
// subscriber and a forwarder, with nothing of this package, deliver each
// event to a topic named after it, encoded as the event bus encodes it.
func TestOutboxIsWhatWatermillForwards(t *testing.T) {
	ctx := context.Background()
	env := testenv.Redis(t)
	store, svc := service(t, env, nil)
	c, err := svc.Create(ctx, cart.CreateInput{})
	require.NoError(t, err)

	logger := watermill.NopLogger{}
	// The subscriber closes its client: give it one of its own.
	client := testenv.Redis(t).Client
	sub, err := redisstream.NewSubscriber(redisstream.SubscriberConfig{Client: client, ConsumerGroup: "plain-watermill"}, logger)
	require.NoError(t, err)
	out := gochannel.NewGoChannel(gochannel.Config{}, logger)
	t.Cleanup(func() { _ = out.Close() })
	delivered, err := out.Subscribe(ctx, "cart.created")
	require.NoError(t, err)
	fwd, err := forwarder.NewForwarder(sub, out, logger, forwarder.Config{ForwarderTopic: store.OutboxStream()})
	require.NoError(t, err)
	go func() { _ = fwd.Run(ctx) }()
	t.Cleanup(func() { _ = fwd.Close() })

	select {
	case msg := <-delivered:
		msg.Ack()
		registry := commerce.NewEventRegistry()
		cart.RegisterEvents(registry)
		got, err := eventbus.DecodeMessage(msg, registry)
		require.NoError(t, err)
		require.Equal(t, "cart.created", got.Name)
		require.Equal(t, c.ID.String(), got.AggregateID)
	case <-time.After(commercetest.AwaitTimeout(t)):
		t.Fatal("the forwarder delivered nothing")
	}
}
