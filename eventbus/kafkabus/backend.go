package kafkabus

import (
	"sync"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// Backend is an eventbus.Backend on a Kafka cluster. Create it with New and
// hand it to eventbus.New, which closes it. It is safe for concurrent use.
type Backend struct {
	brokers []string
	opts    Options
	logger  watermill.LoggerAdapter
	topics  *topicCreator
	pub     *publisher

	mu     sync.Mutex
	closed bool
}

var _ eventbus.Backend = (*Backend)(nil)

// New returns a backend on the cluster reachable at brokers (host:port
// bootstrap addresses). It connects the publisher right away, so an
// unreachable cluster is reported here rather than at the first publish.
// opts may be nil.
func New(brokers []string, opts *Options) (*Backend, error) {
	if len(brokers) == 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: no broker addresses")
	}
	for _, b := range brokers {
		if b == "" {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "kafkabus: empty broker address")
		}
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	logger := eventbus.WatermillLogger(o.Logger)
	brokers = append([]string(nil), brokers...)
	topics := newTopicCreator(brokers, o)
	pub, err := newPublisher(brokers, o.SaramaConfig, topics, logger)
	if err != nil {
		return nil, err
	}
	return &Backend{brokers: brokers, opts: o, logger: logger, topics: topics, pub: pub}, nil
}

// Publisher returns the backend's publisher. Publish returns once the
// cluster acknowledged every record (see Producer.RequiredAcks), in order;
// it fails with CodeFailedPrecondition after Close.
func (b *Backend) Publisher() message.Publisher { return b.pub }

// NewSubscriber returns a subscriber in the Kafka consumer group named
// group. A group that has no committed offset yet starts at the oldest
// retained record. group must be 1-64 characters of [A-Za-z0-9_-], as
// eventbus requires. The caller closes the subscriber; after Close it
// fails with CodeFailedPrecondition.
func (b *Backend) NewSubscriber(group string) (message.Subscriber, error) {
	if err := eventbus.ValidateGroup(group); err != nil {
		return nil, err
	}
	b.mu.Lock()
	closed := b.closed
	b.mu.Unlock()
	if closed {
		return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "kafkabus: subscriber on a closed backend")
	}
	return newSubscriber(b.brokers, group, b.opts, b.topics, b.logger)
}

// Close closes the publisher, waiting for publishes in flight. It does not
// close subscribers, which belong to their callers. Close is idempotent.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	return b.pub.Close()
}
