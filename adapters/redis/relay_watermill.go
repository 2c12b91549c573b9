package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// The pieces an OutboxRelay puts around Watermill's redisstream subscriber
// and forwarder, each where an outbox must differ from a plain stream.

// hostClient is the host's client as the relay's Watermill components see
// it. Closing it is a no-op: Watermill's subscriber and publisher close
// their client, but the host owns it. Acknowledging also deletes: Watermill
// acknowledges and keeps the entry, leaving streams to be trimmed by
// length, which in an outbox could drop events not yet relayed; so an
// entry leaves the outbox exactly when it is acknowledged.
type hostClient struct{ goredis.UniversalClient }

func (hostClient) Close() error { return nil }

// XAck acknowledges ids in group and deletes them from stream, in one
// step.
func (c hostClient) XAck(ctx context.Context, stream, group string, ids ...string) *goredis.IntCmd {
	cmd := goredis.NewIntCmd(ctx, "xack", stream, group)
	args := make([]any, 0, 1+len(ids))
	args = append(args, group)
	for _, id := range ids {
		args = append(args, id)
	}
	n, err := ackScript.Run(ctx, c.UniversalClient, []string{stream}, args...).Int64()
	cmd.SetVal(n)
	cmd.SetErr(err)
	return cmd
}

// ackScript acknowledges and deletes entries. KEYS: the stream. ARGV: the
// group, then the IDs. It returns how many were acknowledged.
var ackScript = goredis.NewScript(`
local n = redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
return n
`)

// undecodableKey marks, in its metadata, a message made of an entry that
// was not in the outbox's format; it holds the reason.
const undecodableKey = "mercato_undecodable"

// outboxUnmarshaller reads entries as Watermill's redisstream does, except
// that an entry it cannot read becomes a message marked undecodable, its
// fields as JSON in the payload, rather than an error: Watermill's
// subscriber stops consuming at an entry it cannot unmarshal, which would
// hold back every event behind it. The marked message goes to the
// dead-letter stream.
type outboxUnmarshaller struct{}

func (outboxUnmarshaller) Unmarshal(values map[string]any) (msg *message.Message, err error) {
	defer func() {
		// The default unmarshaller asserts field types; never let an odd
		// entry stop the relay.
		if p := recover(); p != nil {
			msg, err = undecodable(values, fmt.Errorf("unmarshal entry: %v", p)), nil
		}
	}()
	msg, err = redisstream.DefaultMarshallerUnmarshaller{}.Unmarshal(values)
	if err != nil {
		return undecodable(values, err), nil
	}
	return msg, nil
}

func undecodable(values map[string]any, reason error) *message.Message {
	fields, err := json.Marshal(values)
	if err != nil {
		fields = []byte(fmt.Sprint(values))
	}
	msg := message.NewMessage(watermill.NewUUID(), fields)
	msg.Metadata.Set(undecodableKey, reason.Error())
	return msg
}

// undecodableError is an entry or event that can never be published.
type undecodableError struct{ err error }

func (e undecodableError) Error() string { return "undecodable outbox entry: " + e.err.Error() }
func (e undecodableError) Unwrap() error { return e.err }

func isUndecodable(err error) bool {
	var u undecodableError
	return errors.As(err, &u)
}

// deadLetterMiddleware sends what can never be published to topic through
// pub, with Watermill's poison queue, and lets every other failure through
// to be retried.
func deadLetterMiddleware(pub message.Publisher, topic string) (message.HandlerMiddleware, error) {
	poison, err := middleware.PoisonQueueWithFilter(pub, topic, isUndecodable)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay dead letters: %w", err)
	}
	return func(h message.HandlerFunc) message.HandlerFunc {
		return poison(func(msg *message.Message) ([]*message.Message, error) {
			if reason := msg.Metadata.Get(undecodableKey); reason != "" {
				return nil, undecodableError{fmt.Errorf("%s", reason)}
			}
			return h(msg)
		})
	}, nil
}

// eventPublisher is the forwarder's destination: it decodes the events
// and hands them to the host's publisher, which routes them by name (the
// destination topic, the event name, is not needed). The forwarder
// acknowledges an entry once Publish returns nil.
type eventPublisher struct {
	publisher commerce.EventPublisher
	registry  *commerce.EventRegistry
}

// forwarding is a publisher that can publish as a relay must, returning
// only once the events are safe (an *eventbus.Bus: on the in-process bus,
// once they were handled).
type forwarding interface {
	Forward(ctx context.Context, events ...commerce.Envelope) error
}

func (p eventPublisher) Publish(_ string, msgs ...*message.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	envs := make([]commerce.Envelope, 0, len(msgs))
	for _, m := range msgs {
		env, err := eventbus.DecodeMessage(m, p.registry)
		if err == nil {
			err = env.Validate()
		}
		if err != nil {
			return undecodableError{err}
		}
		envs = append(envs, env)
	}
	ctx := msgs[0].Context()
	var err error
	if f, ok := p.publisher.(forwarding); ok {
		err = f.Forward(ctx, envs...)
	} else {
		err = p.publisher.Publish(ctx, envs...)
	}
	if err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "redis: relay: publish %d events: %w", len(envs), err)
	}
	return nil
}

func (eventPublisher) Close() error { return nil }
