package redisbus

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"
)

// prefixedPublisher maps bus topics to prefixed stream keys.
type prefixedPublisher struct {
	message.Publisher
	prefix string
}

// Publish publishes to the prefixed stream.
func (p prefixedPublisher) Publish(topic string, msgs ...*message.Message) error {
	return p.Publisher.Publish(p.prefix+topic, msgs...)
}

// prefixedSubscriber maps bus topics to prefixed stream keys.
type prefixedSubscriber struct {
	message.Subscriber
	prefix string
}

// Subscribe consumes the prefixed stream.
func (s prefixedSubscriber) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	return s.Subscriber.Subscribe(ctx, s.prefix+topic)
}
