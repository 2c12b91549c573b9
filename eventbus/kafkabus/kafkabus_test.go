package kafkabus_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/kafkabus"
)

// config runs the suite against backends on the cluster at brokers.
func config(brokers []string) eventbustest.Config {
	return eventbustest.Config{
		NewBackend: func(t testing.TB) eventbus.Backend {
			backend, err := kafkabus.New(brokers, &kafkabus.Options{
				SaramaConfig: fastConfig(),
				Logger:       eventbustest.Logger(t),
			})
			require.NoError(t, err)
			return backend
		},
		Ordered: true,
		Durable: true,
		Timeout: 20 * time.Second,
	}
}

func TestConformance(t *testing.T) {
	eventbustest.Run(t, config(newCluster(t, kfake.AllowAutoTopicCreation())))
}

// Production clusters often disable auto-creation: the backend creates
// the topics it uses itself.
func TestConformanceWithoutAutoCreation(t *testing.T) {
	eventbustest.Run(t, config(newCluster(t)))
}

func TestSkipTopicCreation(t *testing.T) {
	brokers := newCluster(t)
	backend, err := kafkabus.New(brokers, &kafkabus.Options{
		SaramaConfig:        fastConfig(),
		SkipTopicCreation:   true,
		ReconnectRetrySleep: 50 * time.Millisecond,
		Logger:              slog.New(slog.DiscardHandler), // the reconnect errors are expected
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = backend.Close() })

	err = backend.Publisher().Publish("provisioned", message.NewMessage(watermill.NewUUID(), nil))
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "publishing to a missing topic: %v", err)

	sub, err := backend.NewSubscriber("g")
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	messages, err := sub.Subscribe(ctx, "provisioned")
	require.NoError(t, err, "subscribing to a missing topic waits for it")

	admin, err := sarama.NewClusterAdmin(brokers, fastConfig())
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	require.NoError(t, admin.CreateTopic("provisioned", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false))
	want := message.NewMessage(watermill.NewUUID(), []byte("hello"))
	require.NoError(t, backend.Publisher().Publish("provisioned", want))
	select {
	case got := <-messages:
		assert.Equal(t, want.UUID, got.UUID)
		got.Ack()
	case <-ctx.Done():
		t.Fatal("the subscriber did not pick up the provisioned topic")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	brokers := newCluster(t)
	old := kafkabus.DefaultSaramaConfig()
	old.Version = sarama.V2_0_0_0
	invalid := kafkabus.DefaultSaramaConfig()
	invalid.Consumer.Group.Heartbeat.Interval = invalid.Consumer.Group.Session.Timeout

	for name, tc := range map[string]struct {
		brokers []string
		opts    *kafkabus.Options
	}{
		"no brokers":                   {brokers: nil},
		"empty broker":                 {brokers: []string{""}},
		"invalid sarama config":        {brokers: brokers, opts: &kafkabus.Options{SaramaConfig: invalid}},
		"negative partitions":          {brokers: brokers, opts: &kafkabus.Options{Partitions: -2}},
		"negative replication":         {brokers: brokers, opts: &kafkabus.Options{ReplicationFactor: -2}},
		"negative reconnect sleep":     {brokers: brokers, opts: &kafkabus.Options{ReconnectRetrySleep: -time.Second}},
		"broker defaults before 2.4.0": {brokers: brokers, opts: &kafkabus.Options{SaramaConfig: old}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := kafkabus.New(tc.brokers, tc.opts)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%v", err)
		})
	}

	t.Run("old version with explicit topic settings", func(t *testing.T) {
		backend, err := kafkabus.New(brokers, &kafkabus.Options{SaramaConfig: old, Partitions: 3, ReplicationFactor: 1})
		require.NoError(t, err)
		require.NoError(t, backend.Close())
	})
}

func TestNewDoesNotModifyHostConfig(t *testing.T) {
	brokers := newCluster(t)
	cfg := sarama.NewConfig()
	cfg.Producer.Return.Successes = false
	backend, err := kafkabus.New(brokers, &kafkabus.Options{SaramaConfig: cfg})
	require.NoError(t, err, "the backend sets what its publisher needs on its own copy")
	t.Cleanup(func() { _ = backend.Close() })
	assert.False(t, cfg.Producer.Return.Successes)
	assert.Equal(t, sarama.OffsetNewest, cfg.Consumer.Offsets.Initial)
}

func TestNewSubscriberValidatesGroup(t *testing.T) {
	backend, err := kafkabus.New(newCluster(t), &kafkabus.Options{SaramaConfig: fastConfig(), Logger: eventbustest.Logger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = backend.Close() })

	for _, group := range []string{"", "has space", "dotted.name", string(make([]byte, 65))} {
		_, err := backend.NewSubscriber(group)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "group %q", group)
	}
	sub, err := backend.NewSubscriber("Billing_v2-eu")
	require.NoError(t, err)
	require.NoError(t, sub.Close())
}

func TestCloseIsIdempotent(t *testing.T) {
	backend, err := kafkabus.New(newCluster(t), &kafkabus.Options{SaramaConfig: fastConfig(), Logger: eventbustest.Logger(t)})
	require.NoError(t, err)
	require.NoError(t, backend.Close())
	require.NoError(t, backend.Close())

	err = backend.Publisher().Publish("after-close", message.NewMessage("id", nil))
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
	_, err = backend.NewSubscriber("g")
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
}

func TestAggregateKeepsToOnePartition(t *testing.T) {
	backend, err := kafkabus.New(newCluster(t), &kafkabus.Options{SaramaConfig: fastConfig(), Logger: eventbustest.Logger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = backend.Close() })

	const topic, aggregates, each = "partitioning", 8, 5
	for i := range aggregates * each {
		msg := message.NewMessage(watermill.NewUUID(), nil)
		msg.Metadata.Set(eventbus.MetadataAggregateID, fmt.Sprintf("agg-%d", i%aggregates))
		require.NoError(t, backend.Publisher().Publish(topic, msg))
	}

	sub, err := backend.NewSubscriber("g")
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	messages, err := sub.Subscribe(ctx, topic)
	require.NoError(t, err)

	partitionsOf := map[string]map[int32]bool{}
	used := map[int32]bool{}
	for range aggregates * each {
		var msg *message.Message
		select {
		case msg = <-messages:
		case <-ctx.Done():
			t.Fatal("timed out waiting for the published messages")
		}
		partition, ok := kafka.MessagePartitionFromCtx(msg.Context())
		require.True(t, ok)
		agg := msg.Metadata.Get(eventbus.MetadataAggregateID)
		if partitionsOf[agg] == nil {
			partitionsOf[agg] = map[int32]bool{}
		}
		partitionsOf[agg][partition] = true
		used[partition] = true
		msg.Ack()
	}
	for agg, partitions := range partitionsOf {
		assert.Len(t, partitions, 1, "aggregate %s spread over partitions %v", agg, partitions)
	}
	assert.Greater(t, len(used), 1, "the aggregates all hashed to one partition: the test proves nothing")
}

func TestSubscribeCreatesTopic(t *testing.T) {
	brokers := newCluster(t)
	backend, err := kafkabus.New(brokers, &kafkabus.Options{SaramaConfig: fastConfig(), Partitions: 3, Logger: eventbustest.Logger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = backend.Close() })

	for range 2 { // the second subscriber finds the topic already there
		sub, err := backend.NewSubscriber("g")
		require.NoError(t, err)
		_, err = sub.Subscribe(context.Background(), "created")
		require.NoError(t, err)
		require.NoError(t, sub.Close())
	}

	admin, err := sarama.NewClusterAdmin(brokers, fastConfig())
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	topics, err := admin.DescribeTopics([]string{"created"})
	require.NoError(t, err)
	require.Len(t, topics, 1)
	require.Equal(t, sarama.ErrNoError, topics[0].Err)
	assert.Len(t, topics[0].Partitions, 3)
}

// newCluster starts an in-process Kafka cluster for the test, with topic
// auto-creation off unless opts turn it on, and returns its bootstrap
// addresses.
func newCluster(tb testing.TB, opts ...kfake.Opt) []string {
	tb.Helper()
	c, err := kfake.NewCluster(append([]kfake.Opt{
		kfake.NumBrokers(1),
		// Several partitions per topic, so keying by aggregate is what
		// keeps an aggregate's events in order.
		kfake.DefaultNumPartitions(4),
		// Let fastConfig's short sessions through.
		kfake.GroupMinSessionTimeout(100 * time.Millisecond),
	}, opts...)...)
	require.NoError(tb, err)
	tb.Cleanup(c.Close)
	return c.ListenAddrs()
}

// fastConfig is DefaultSaramaConfig with the group timings shortened for a
// single in-process broker: members learn of rebalances within 100ms and
// retry quickly, which keeps each subscribe well under a second.
func fastConfig() *sarama.Config {
	cfg := kafkabus.DefaultSaramaConfig()
	cfg.Consumer.Group.Session.Timeout = 3 * time.Second
	cfg.Consumer.Group.Heartbeat.Interval = 100 * time.Millisecond
	cfg.Consumer.Group.Rebalance.Timeout = 3 * time.Second
	cfg.Consumer.Group.Rebalance.Retry.Backoff = 50 * time.Millisecond
	cfg.Consumer.Retry.Backoff = 50 * time.Millisecond
	cfg.Consumer.MaxWaitTime = 100 * time.Millisecond
	cfg.Consumer.Offsets.AutoCommit.Interval = 100 * time.Millisecond
	cfg.Metadata.Retry.Backoff = 50 * time.Millisecond
	cfg.Producer.Retry.Backoff = 50 * time.Millisecond
	return cfg
}
