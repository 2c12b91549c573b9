package redis

import (
	"slices"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// outboxEntry returns the fields of the stream entry that carries env in
// the outbox stream: env as eventbus encodes it, wrapped in the envelope
// of Watermill's forwarder with the event's name as destination topic,
// then laid out as Watermill's redisstream publisher lays out a message.
// The entry is therefore exactly what a redisstream publisher of a
// forwarder.Publisher would XADD; the store writes it itself only because
// the write must happen inside its Lua script, atomically with the cart.
// Fields come as name, value pairs sorted by name.
func outboxEntry(stream string, env commerce.Envelope) ([]any, error) {
	msg, err := eventbus.EncodeMessage(env)
	if err != nil {
		return nil, err
	}
	var enveloped capture
	if err := forwarder.NewPublisher(&enveloped, forwarder.PublisherConfig{ForwarderTopic: stream}).Publish(env.Name, msg); err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "redis: envelope event %s: %w", env.Name, err)
	}
	if len(enveloped.msgs) != 1 {
		return nil, commerce.Errorf(commerce.CodeInternal, "redis: envelope event %s: the forwarder made %d messages of one", env.Name, len(enveloped.msgs))
	}
	values, err := redisstream.DefaultMarshallerUnmarshaller{}.Marshal(stream, enveloped.msgs[0])
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: encode event %s: %w", env.Name, err)
	}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names)
	fields := make([]any, 0, 2*len(names))
	for _, name := range names {
		fields = append(fields, name, values[name])
	}
	return fields, nil
}

// capture is a Watermill publisher that keeps what it is given, to obtain
// the forwarder's envelope from forwarder.Publisher.
type capture struct{ msgs []*message.Message }

func (c *capture) Publish(_ string, msgs ...*message.Message) error {
	c.msgs = append(c.msgs, msgs...)
	return nil
}

func (*capture) Close() error { return nil }
