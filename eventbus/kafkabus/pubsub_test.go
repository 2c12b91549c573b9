package kafkabus_test

import (
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/kafkabus"
)

// TestPubSub runs Watermill's universal Pub/Sub suite against the
// backend's publisher and subscribers (kafkabus's own wrappers, which
// create topics and key records by aggregate) on an in-process cluster
// without topic auto-creation.
//
// Features, and why:
//   - ConsumerGroups and Persistent: a group's committed offsets and the
//     topic's records outlive its members.
//   - ExactlyOnceDelivery is false: records consumed but not committed
//     when a member leaves are delivered again after the rebalance.
//   - GuaranteedOrder is false: records without an aggregate, as the
//     suite's are, are keyed by their ID and spread over the partitions;
//     order holds only per aggregate.
//   - NewSubscriberReceivesOldMessages is false: the suite's constructor
//     puts a test's members in one group, which resumes at its offsets.
//     The group is the test's own: the suite's tests run in parallel, and
//     one group shared by all of them rebalanced whenever any test's
//     member came or went, which could hold a test's records back for
//     longer than the suite waits.
//   - ForceShort: the long variants take minutes under -race on two cores
//     and prove nothing the short ones do not.
func TestPubSub(t *testing.T) {
	brokers := newCluster(t)
	newPubSub := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		b, err := kafkabus.New(brokers, &kafkabus.Options{
			SaramaConfig: fastConfig(),
			Logger:       eventbustest.Logger(t),
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = b.Close() })
		sub, err := b.NewSubscriber(group)
		require.NoError(t, err)
		return b.Publisher(), sub
	}
	tests.TestPubSub(t,
		tests.Features{
			ConsumerGroups:      true,
			ExactlyOnceDelivery: false,
			GuaranteedOrder:     false,
			Persistent:          true,
			ForceShort:          true,
		},
		func(t *testing.T) (message.Publisher, message.Subscriber) { return newPubSub(t, suiteGroup(t)) },
		newPubSub,
	)
}

// suiteGroup is the consumer group of one test of the universal suite:
// "suite-" and the test's own ID, the last element of its name.
func suiteGroup(t *testing.T) string {
	name := t.Name()
	return "suite-" + name[strings.LastIndex(name, "/")+1:]
}
