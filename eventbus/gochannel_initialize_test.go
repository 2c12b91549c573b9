package eventbus_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/eventbus"
)

// A member's SubscribeInitialize keeps the group's subscription only until
// the member closes: an event published after that is not kept for the
// group, as with any GoChannel group that has no member.
func TestGoChannelSubscribeInitializeEndsWithMember(t *testing.T) {
	backend := eventbus.NewGoChannel(nil)
	t.Cleanup(func() { _ = backend.Close() })

	first, err := backend.NewSubscriber("g")
	require.NoError(t, err)
	require.NoError(t, first.(message.SubscribeInitializer).SubscribeInitialize("t"))
	require.NoError(t, first.Close())
	require.NoError(t, backend.Publisher().Publish("t", message.NewMessage("dropped", nil)))

	second, err := backend.NewSubscriber("g")
	require.NoError(t, err)
	t.Cleanup(func() { _ = second.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	messages, err := second.Subscribe(ctx, "t")
	require.NoError(t, err)
	require.NoError(t, backend.Publisher().Publish("t", message.NewMessage("kept", nil)))

	select {
	case msg := <-messages:
		msg.Ack()
		require.Equal(t, "kept", msg.UUID, "an event published while the group had no member was kept for it")
	case <-time.After(5 * time.Second):
		t.Fatal("the event published while subscribed did not arrive")
	}
}
