package eventbus

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/gochannel"
)

// GoChannel is the in-process Backend: no I/O, no durability. An event
// published while no member of a group is subscribed is not delivered to
// that group, and events in flight when the process stops are gone; use a
// durable backend, or the pgbus outbox, where that matters. Delivery within
// a group is concurrent, so GoChannel does not preserve order.
type GoChannel struct {
	pubsub *gochannel.GoChannel

	mu     sync.Mutex
	shared map[groupTopic]*sharedSubscription
	closed bool
}

type groupTopic struct{ group, topic string }

// sharedSubscription is one GoChannel subscription per (group, topic) whose
// channel all members of the group read from, which is what makes them
// share work instead of each receiving every message.
type sharedSubscription struct {
	messages <-chan *message.Message
	members  int
	cancel   context.CancelFunc
}

// NewGoChannel returns an in-process backend. logger receives Watermill's
// logs, info demoted to debug; nil means slog.Default().
func NewGoChannel(logger *slog.Logger) *GoChannel {
	if logger == nil {
		logger = slog.Default()
	}
	return &GoChannel{
		pubsub: gochannel.NewGoChannel(gochannel.Config{}, WatermillLogger(logger)),
		shared: make(map[groupTopic]*sharedSubscription),
	}
}

// Publisher returns the in-process publisher.
func (g *GoChannel) Publisher() message.Publisher { return g.pubsub }

// NewSubscriber returns a subscriber in consumer group group.
func (g *GoChannel) NewSubscriber(group string) (message.Subscriber, error) {
	if err := ValidateGroup(group); err != nil {
		return nil, err
	}
	return &goChannelMember{backend: g, group: group, closing: make(chan struct{})}, nil
}

// Close stops every subscription. Undelivered messages are dropped.
func (g *GoChannel) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	for key, s := range g.shared {
		s.cancel()
		delete(g.shared, key)
	}
	g.mu.Unlock()
	return g.pubsub.Close()
}

func (g *GoChannel) join(key groupTopic) (*sharedSubscription, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, errors.New("eventbus: gochannel backend is closed")
	}
	s, ok := g.shared[key]
	if !ok {
		ctx, cancel := context.WithCancel(context.Background())
		messages, err := g.pubsub.Subscribe(ctx, key.topic)
		if err != nil {
			cancel()
			return nil, err
		}
		s = &sharedSubscription{messages: messages, cancel: cancel}
		g.shared[key] = s
	}
	s.members++
	return s, nil
}

func (g *GoChannel) leave(key groupTopic, s *sharedSubscription) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s.members--
	if s.members == 0 && g.shared[key] == s {
		s.cancel()
		delete(g.shared, key)
	}
}

// goChannelMember is one member of a consumer group.
type goChannelMember struct {
	backend *GoChannel
	group   string

	closeOnce sync.Once
	closing   chan struct{}
	wg        sync.WaitGroup
}

// Subscribe joins the group's shared subscription to topic and forwards
// its messages until ctx ends or the member closes.
func (m *goChannelMember) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	select {
	case <-m.closing:
		return nil, errors.New("eventbus: subscriber is closed")
	default:
	}
	key := groupTopic{group: m.group, topic: topic}
	shared, err := m.backend.join(key)
	if err != nil {
		return nil, err
	}
	out := make(chan *message.Message)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer close(out)
		defer m.backend.leave(key, shared)
		for {
			select {
			case <-ctx.Done():
				return
			case <-m.closing:
				return
			case msg, ok := <-shared.messages:
				if !ok {
					return
				}
				select {
				case out <- msg:
				case <-ctx.Done():
					msg.Nack() // hand it to another member of the group
					return
				case <-m.closing:
					msg.Nack()
					return
				}
			}
		}
	}()
	return out, nil
}

// Close stops the member's subscriptions; the group keeps its shared
// subscription while other members remain.
func (m *goChannelMember) Close() error {
	m.closeOnce.Do(func() { close(m.closing) })
	m.wg.Wait()
	return nil
}
