package kafkabus

import (
	"fmt"
	"sync"

	"github.com/IBM/sarama"
	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-kafka/v3/pkg/kafka"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// publisher guards Watermill's Kafka publisher, whose closed flag is not
// synchronised: publishing while it closes would race, and Sarama panics on
// a send to a closed producer. Publishes share a read lock; Close takes the
// write lock, so it waits for them and later ones see the closed flag.
type publisher struct {
	topics *topicCreator

	mu     sync.RWMutex
	closed bool
	pub    *kafka.Publisher
}

func newPublisher(brokers []string, cfg *sarama.Config, topics *topicCreator, logger watermill.LoggerAdapter) (*publisher, error) {
	pub, err := kafka.NewPublisher(kafka.PublisherConfig{
		Brokers:               brokers,
		Marshaler:             kafka.NewWithPartitioningMarshaler(partitionKey),
		OverwriteSaramaConfig: cfg,
	}, logger)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "kafkabus: connect publisher: %w", err)
	}
	return &publisher{topics: topics, pub: pub}, nil
}

// partitionKey keys a record by its aggregate, so one aggregate's events
// share a partition and keep their order. Messages without an aggregate
// (not written by eventbus) are keyed by their ID, which spreads them over
// the partitions instead of piling them onto the one the empty key hashes
// to.
func partitionKey(_ string, msg *message.Message) (string, error) {
	if id := msg.Metadata.Get(eventbus.MetadataAggregateID); id != "" {
		return id, nil
	}
	return msg.UUID, nil
}

// Publish creates topic if it is missing, then sends msgs to it one after
// another, each acknowledged before the next is sent, so their order holds
// within a partition even when the producer retries.
func (p *publisher) Publish(topic string, msgs ...*message.Message) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "kafkabus: publish on a closed backend")
	}
	if err := p.topics.ensure(topic); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "kafkabus: create topic %s: %w", topic, err)
	}
	if err := p.pub.Publish(topic, msgs...); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "kafkabus: publish to %s: %w", topic, err)
	}
	return nil
}

// Close closes the producer once publishes in flight have returned. It is
// idempotent.
func (p *publisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	if err := p.pub.Close(); err != nil {
		return fmt.Errorf("kafkabus: close publisher: %w", err)
	}
	return nil
}
