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
// durable backend, or the pgbus outbox, where that matters. A member's
// SubscribeInitialize counts as subscribed, so a group can be set up before
// the first event is published. Delivery within
// a group is concurrent, so GoChannel does not preserve order.
//
// Publisher's Publish returns as soon as the event is handed to the
// subscriptions, before any handler ran. A relay from a durable outbox
// must not acknowledge its source then, or a crash loses the event: it
// forwards through HandledPublisher (Bus.Publisher does that), whose
// Publish returns once every subscribed group has handled the event.
type GoChannel struct {
	pubsub *gochannel.GoChannel
	// handled carries HandledPublisher's messages, which wait until every
	// subscriber acked; subscriptions read from both.
	handled *handledHub

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
	handled  <-chan *message.Message
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
		pubsub:  gochannel.NewGoChannel(gochannel.Config{}, WatermillLogger(logger)),
		handled: newHandledHub(),
		shared:  make(map[groupTopic]*sharedSubscription),
	}
}

// Publisher returns the in-process publisher. Its Publish returns before
// the handlers run.
func (g *GoChannel) Publisher() message.Publisher { return g.pubsub }

// HandledPublisher returns a publisher whose Publish returns only once
// every consumer group subscribed to the topic has handled each message:
// its handler returned nil, or the bus gave up on it and poisoned it. A
// message no group subscribes to is dropped at once, as with Publisher.
// Publish fails when a subscription ended while a message was in flight,
// since its handler may not have run; the caller offers it again. This is
// what a relay needs before it acknowledges an outbox entry: an
// acknowledged event has been handled, and a crash before that leaves it
// in the outbox. Publishes of one topic go one at a time.
func (g *GoChannel) HandledPublisher() message.Publisher { return handledPublisher{g} }

var _ HandledBackend = (*GoChannel)(nil)

type handledPublisher struct{ g *GoChannel }

// Publish sends msgs and waits until the subscribed groups handled them.
func (p handledPublisher) Publish(topic string, msgs ...*message.Message) error {
	return p.g.handled.publish(topic, msgs...)
}

// Close is a no-op: the GoChannel owns its publishers.
func (handledPublisher) Close() error { return nil }

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
		g.depart(s)
		delete(g.shared, key)
	}
	g.mu.Unlock()
	g.handled.close()
	return g.pubsub.Close()
}

// depart ends shared subscription s; a handled publish waiting on it
// fails.
func (g *GoChannel) depart(s *sharedSubscription) { s.cancel() }

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
		handled, err := g.handled.subscribe(ctx, key.topic)
		if err != nil {
			cancel()
			return nil, err
		}
		s = &sharedSubscription{messages: messages, handled: handled, cancel: cancel}
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
		g.depart(s)
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

	// reserved are the shared subscriptions SubscribeInitialize joined;
	// the member leaves them when it closes.
	mu       sync.Mutex
	reserved []reservation
}

type reservation struct {
	key    groupTopic
	shared *sharedSubscription
}

// SubscribeInitialize joins the group's shared subscription to topic
// without reading from it, so events published from now on wait for this
// member's Subscribe instead of being dropped for want of a subscriber. The
// member holds the subscription until it closes. It implements
// message.SubscribeInitializer.
func (m *goChannelMember) SubscribeInitialize(topic string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	select {
	case <-m.closing:
		return errors.New("eventbus: subscriber is closed")
	default:
	}
	key := groupTopic{group: m.group, topic: topic}
	shared, err := m.backend.join(key)
	if err != nil {
		return err
	}
	m.reserved = append(m.reserved, reservation{key: key, shared: shared})
	return nil
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
			var msg *message.Message
			var ok bool
			select {
			case <-ctx.Done():
				return
			case <-m.closing:
				return
			case msg, ok = <-shared.messages:
			case msg, ok = <-shared.handled:
			}
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
	}()
	return out, nil
}

// Close stops the member's subscriptions; the group keeps its shared
// subscription while other members remain.
func (m *goChannelMember) Close() error {
	m.mu.Lock()
	m.closeOnce.Do(func() { close(m.closing) })
	reserved := m.reserved
	m.reserved = nil
	m.mu.Unlock()
	m.wg.Wait()
	for _, r := range reserved {
		m.backend.leave(r.key, r.shared)
	}
	return nil
}
