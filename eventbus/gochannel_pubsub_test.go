package eventbus_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"

	"github.com/mercatohq/mercato/eventbus"
)

// goChannelPubSub is one GoChannel backend as the universal suite sees it:
// its publisher, and a member of one consumer group. Closing the publisher
// closes the backend, which is how the suite ends a Pub/Sub.
type goChannelPubSub struct {
	message.Publisher
	backend *eventbus.GoChannel
}

func (p goChannelPubSub) Close() error { return p.backend.Close() }

// TestGoChannelPubSub runs Watermill's universal Pub/Sub suite against the
// GoChannel backend's publisher and its consumer-group members.
//
// Features, and why:
//   - ConsumerGroups is false: the suite's group test closes a group's only
//     member, publishes, and expects a later member to receive the events.
//     That needs persistence, which GoChannel lacks; sharing within a group
//     and fan-out across groups are proven by eventbustest's conformance
//     suite instead.
//   - ExactlyOnceDelivery is true: a message is handed to one member and
//     redelivered only after a Nack, never on its own.
//   - GuaranteedOrder is false: Watermill's gochannel delivers each message
//     from its own goroutine, so a burst arrives in any order.
//   - Persistent is false and RequireSingleInstance true: events live only
//     in this process, in this backend. The suite publishes before it
//     subscribes; the member's SubscribeInitialize keeps those events for it.
//   - ForceShort: the suite's long variants (5000 messages, 50 subscribers)
//     prove nothing more here and take minutes under -race on two cores.
//
// The suite's tests run one by one, as tests.TestPubSub would, except
// TestContinueAfterErrors: for a Pub/Sub that is not persistent it
// subscribes a second time on the same subscriber while the first
// subscription still runs, unread, and expects the second to receive every
// message, as Watermill's gochannel fans each message out to every
// subscription. A GoChannel member's subscriptions share the group's work
// instead, so the unread first subscription holds a message, as an unread
// member of any consumer group does. TestConsumerGroups and the tests that
// need ordering or persistence skip themselves by the features above.
//
// HandledPublisher is not run through the suite: its Publish blocks until
// a subscriber acked, and the suite publishes before it reads.
func TestGoChannelPubSub(t *testing.T) {
	features := tests.Features{
		ConsumerGroups:        false,
		ExactlyOnceDelivery:   true,
		GuaranteedOrder:       false,
		Persistent:            false,
		RequireSingleInstance: true,
		ForceShort:            true,
	}
	newPubSub := func(t *testing.T) (message.Publisher, message.Subscriber) {
		backend := eventbus.NewGoChannel(nil)
		sub, err := backend.NewSubscriber("suite")
		if err != nil {
			t.Fatal(err)
		}
		return goChannelPubSub{Publisher: backend.Publisher(), backend: backend}, sub
	}
	suite := []struct {
		name string
		run  func(*testing.T, tests.TestContext, tests.PubSubConstructor)
	}{
		{"TestPublishSubscribe", tests.TestPublishSubscribe},
		{"TestConcurrentSubscribe", tests.TestConcurrentSubscribe},
		{"TestConcurrentSubscribeMultipleTopics", tests.TestConcurrentSubscribeMultipleTopics},
		{"TestResendOnError", tests.TestResendOnError},
		{"TestNoAck", tests.TestNoAck},
		{"TestContinueAfterSubscribeClose", tests.TestContinueAfterSubscribeClose},
		{"TestConcurrentClose", tests.TestConcurrentClose},
		{"TestPublishSubscribeInOrder", tests.TestPublishSubscribeInOrder},
		{"TestPublisherClose", tests.TestPublisherClose},
		{"TestTopic", tests.TestTopic},
		{"TestMessageCtx", tests.TestMessageCtx},
		{"TestSubscribeCtx", tests.TestSubscribeCtx},
		{"TestNewSubscriberReceivesOldMessages", tests.TestNewSubscriberReceivesOldMessages},
	}
	for _, tc := range suite {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, tests.TestContext{TestID: tests.NewTestID(), Features: features}, newPubSub)
		})
	}
	t.Run("TestConsumerGroups", func(t *testing.T) {
		tests.TestConsumerGroups(t, tests.TestContext{TestID: tests.NewTestID(), Features: features}, nil)
	})
}
