package redisbus_test

import (
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/eventbus/redisbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestPubSub runs Watermill's universal Pub/Sub suite against the
// backend's publisher and group members, which put Options.KeyPrefix in
// front of every topic, on the real Redis server.
//
// Features, and why (they are Watermill's own for Redis Streams):
//   - ConsumerGroups and Persistent: streams keep their entries, and each
//     group its position, while the group has no member.
//   - ExactlyOnceDelivery is false: an entry left pending for ClaimIdle is
//     claimed by another member and delivered again.
//   - GuaranteedOrder is false: claims and several members reorder; a
//     single member reads its stream in order
//     (GuaranteedOrderWithSingleSubscriber), but the suite checks order only
//     when GuaranteedOrder is set.
//   - NewSubscriberReceivesOldMessages is false: the suite's constructor
//     puts every member in one group, and a new member resumes where the
//     group stopped.
//   - ForceShort: the long variants take minutes under -race on two cores
//     and prove nothing the short ones do not.
func TestPubSub(t *testing.T) {
	env := testenv.Redis(t)
	newPubSub := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		b, err := redisbus.New(env.Client, &redisbus.Options{
			KeyPrefix:     env.Prefix,
			ClaimIdle:     time.Second,
			ClaimInterval: 100 * time.Millisecond,
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		sub, err := b.NewSubscriber(group)
		require.NoError(t, err)
		return b.Publisher(), sub
	}
	tests.TestPubSub(t,
		tests.Features{
			ConsumerGroups:                      true,
			ExactlyOnceDelivery:                 false,
			GuaranteedOrder:                     false,
			GuaranteedOrderWithSingleSubscriber: true,
			Persistent:                          true,
			ForceShort:                          true,
		},
		func(t *testing.T) (message.Publisher, message.Subscriber) { return newPubSub(t, "suite") },
		newPubSub,
	)
}
