package kafkabus

import (
	"context"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
)

// subscriber is a Watermill Kafka subscriber that creates its topic before
// consuming (see topicCreator): Watermill's router never calls
// SubscribeInitialize, so Subscribe has to.
type subscriber struct {
	sub    *kafka.Subscriber
	topics *topicCreator
}

func newSubscriber(brokers []string, group string, o Options, topics *topicCreator, logger watermill.LoggerAdapter) (*subscriber, error) {
	sub, err := kafka.NewSubscriber(kafka.SubscriberConfig{
		Brokers:               brokers,
		Unmarshaler:           kafka.DefaultMarshaler{},
		OverwriteSaramaConfig: o.SaramaConfig,
		ConsumerGroup:         group,
		NackResendSleep:       nackResendSleep(o.NackResendSleep),
		ReconnectRetrySleep:   o.ReconnectRetrySleep,
	}, logger)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: subscriber for group %s: %w", group, err)
	}
	return &subscriber{sub: sub, topics: topics}, nil
}

// Subscribe creates topic if it is missing and then joins the consumer
// group on it. Partitions are consumed concurrently; within one, messages
// arrive in offset order, each only after the previous one was acked,
// which is what keeps an aggregate's events in order.
func (s *subscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	if err := s.SubscribeInitialize(topic); err != nil {
		return nil, err
	}
	return s.sub.Subscribe(ctx, topic)
}

// SubscribeInitialize creates topic if it is missing. It implements
// message.SubscribeInitializer.
func (s *subscriber) SubscribeInitialize(topic string) error {
	if err := s.topics.ensure(topic); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "kafkabus: create topic %s: %w", topic, err)
	}
	return nil
}

// Close leaves the consumer group (committing the offsets of acked
// messages) and waits for the consumers to stop. It is idempotent.
func (s *subscriber) Close() error { return s.sub.Close() }

// nackResendSleep maps "negative means no wait" onto the Kafka Pub/Sub's
// own sentinel, which is -1 exactly.
func nackResendSleep(d time.Duration) time.Duration {
	if d < 0 {
		return kafka.NoSleep
	}
	return d
}
