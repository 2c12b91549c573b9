package natsbus_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/eventbus/natsbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestPubSub runs Watermill's universal Pub/Sub suite against the
// backend's publisher and its own group member, on the real NATS server.
// The ack wait is short because closing a member waits up to it for an
// event handed out and never acked, which the suite does on purpose.
//
// Features, and why:
//   - ConsumerGroups: every group is a durable consumer that keeps its
//     position while it has no member.
//   - Persistent: events are stored in a stream, so a later member (of a
//     new backend on the same server) receives what was published before.
//   - ExactlyOnceDelivery is false: an event not acked within the ack wait
//     is delivered again.
//   - GuaranteedOrder with GuaranteedOrderWithSingleSubscriber: with
//     SubscribersCount 1 a member hands out the next event only after the
//     previous one was acked, in stream order; several members, or a
//     redelivery, do not keep the order, which is what the package
//     documentation promises.
//   - NewSubscriberReceivesOldMessages is false: a new member of a group
//     that already consumed resumes where the group stopped.
//   - ForceShort: the long variants (5000 messages, 50 subscribers) take
//     minutes under -race on two cores and prove nothing the short ones
//     do not.
func TestPubSub(t *testing.T) {
	env := testenv.NATS(t)
	newPubSub := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		// The backend closes at cleanup; its publisher's Close, which the
		// suite calls, does nothing.
		b := newBackend(t, env, &natsbus.Options{AckWaitTimeout: testAckWait})
		sub, err := b.NewSubscriber(group)
		require.NoError(t, err)
		return b.Publisher(), sub
	}
	tests.TestPubSub(t,
		tests.Features{
			ConsumerGroups:                      true,
			ExactlyOnceDelivery:                 false,
			GuaranteedOrder:                     true,
			GuaranteedOrderWithSingleSubscriber: true,
			Persistent:                          true,
			ForceShort:                          true,
			// Streams the test creates carry env's prefix, so they are
			// deleted at cleanup.
			GenerateTopicFunc: func(tctx tests.TestContext) string {
				return env.Prefix + "topic_" + tctx.TestID.String()
			},
		},
		func(t *testing.T) (message.Publisher, message.Subscriber) { return newPubSub(t, "suite") },
		newPubSub,
	)
}
