package eventbus

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
)

// Bus publishes domain events and runs their handlers. Create it with New,
// add handlers with Subscribe or Handle, call Start, and Close it on the way
// out. It is safe for concurrent use.
type Bus struct {
	backend Backend
	opts    Options
	router  *message.Router

	// handlerCtx outlives the router's own context so in-flight handlers
	// can finish while the bus drains; cancelling it is the hard stop.
	handlerCtx  context.Context
	stopHandler context.CancelFunc

	mu          sync.Mutex
	started     bool
	runCtx      context.Context
	subscribers []message.Subscriber
	handlers    map[string]int
	routerDone  chan struct{}

	closeOnce sync.Once
	closeErr  error
	closed    chan struct{}
}

// New returns a bus on backend. The bus owns the backend from now on and
// closes it on Close. opts may be nil.
func New(backend Backend, opts *Options) (*Bus, error) {
	if backend == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "eventbus: backend is nil")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: o.CloseTimeout}, WatermillLogger(o.Logger))
	if err != nil {
		return nil, fmt.Errorf("eventbus: %w", err)
	}
	handlerCtx, stop := context.WithCancel(context.Background())
	return &Bus{
		backend:     backend,
		opts:        o,
		router:      router,
		handlerCtx:  handlerCtx,
		stopHandler: stop,
		handlers:    make(map[string]int),
		closed:      make(chan struct{}),
	}, nil
}

// Registry returns the registry the bus decodes payloads with.
func (b *Bus) Registry() *commerce.EventRegistry { return b.opts.Registry }

// Topic returns the backend topic that carries events named eventName.
func (b *Bus) Topic(eventName string) string { return topicFor(b.opts.TopicPrefix, eventName) }

// PoisonTopic returns the backend topic that receives poisoned events.
func (b *Bus) PoisonTopic() string { return b.opts.TopicPrefix + b.opts.PoisonTopic }

// Publish sends events to their topics, in order. Events of one name go
// out in one backend call; a batch spanning several names is not atomic —
// write events in a database transaction through an outbox when they must
// commit together with a state change.
func (b *Bus) Publish(ctx context.Context, events ...commerce.Envelope) error {
	if b.isClosed() {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "eventbus: publish on a closed bus")
	}
	batches, err := b.encode(ctx, events)
	if err != nil {
		return err
	}
	for _, batch := range batches {
		if err := ctx.Err(); err != nil {
			return commerce.Errorf(commerce.CodeUnavailable, "eventbus: publish %s: %w", batch.topic, err)
		}
		if err := b.backend.Publisher().Publish(batch.topic, batch.messages...); err != nil {
			return commerce.Errorf(commerce.CodeUnavailable, "eventbus: publish %s: %w", batch.topic, err)
		}
	}
	return nil
}

// Forward publishes events as a relay must before it acknowledges them
// at their source: like Publish, but it returns only once they are safe,
// that is stored by a durable backend or, on the in-process GoChannel,
// handled by every subscribed consumer group (see Publisher).
func (b *Bus) Forward(ctx context.Context, events ...commerce.Envelope) error {
	batches, err := b.encode(ctx, events)
	if err != nil {
		return err
	}
	pub := b.Publisher()
	for _, batch := range batches {
		if err := ctx.Err(); err != nil {
			return commerce.Errorf(commerce.CodeUnavailable, "eventbus: forward %s: %w", batch.topic, err)
		}
		if err := pub.Publish(batch.topic, batch.messages...); err != nil {
			if commerce.Code(err) == commerce.CodeInternal {
				return commerce.Errorf(commerce.CodeUnavailable, "eventbus: forward %s: %w", batch.topic, err)
			}
			return err
		}
	}
	return nil
}

// Encode returns the topic and the Watermill message that env is published
// as. An outbox stores events in this wire form so that relaying them later
// is a plain publish.
func (b *Bus) Encode(env commerce.Envelope) (topic string, msg *message.Message, err error) {
	msg, err = marshalEnvelope(env)
	if err != nil {
		return "", nil, err
	}
	return b.Topic(env.Name), msg, nil
}

// Publisher returns a Watermill publisher that sends already encoded
// messages (see Encode) through the bus's backend; an outbox relay forwards
// to it. Its Publish returns once the messages are safe: stored by a
// durable backend or, on a backend that offers HandledPublisher (the
// in-process GoChannel), handled by every subscribed consumer group. So a
// relay that acknowledges its outbox entry after Publish never
// acknowledges an event a crash could still lose. It refuses to publish
// once the bus is closing. Closing it is a no-op: the bus owns the
// backend.
func (b *Bus) Publisher() message.Publisher { return busPublisher{b} }

type busPublisher struct{ bus *Bus }

// Publish sends already encoded messages unless the bus is closing.
func (p busPublisher) Publish(topic string, msgs ...*message.Message) error {
	if p.bus.isClosed() {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "eventbus: publish on a closed bus")
	}
	if h, ok := p.bus.backend.(HandledBackend); ok {
		return h.HandledPublisher().Publish(topic, msgs...)
	}
	return p.bus.backend.Publisher().Publish(topic, msgs...)
}

// Close is a no-op: the bus owns the backend.
func (busPublisher) Close() error { return nil }

type topicBatch struct {
	topic    string
	messages []*message.Message
}

// encode groups consecutive events of one name into one batch, keeping
// the caller's order within and across batches.
func (b *Bus) encode(ctx context.Context, events []commerce.Envelope) ([]topicBatch, error) {
	var batches []topicBatch
	for _, env := range events {
		topic, msg, err := b.Encode(env)
		if err != nil {
			return nil, err
		}
		msg.SetContext(ctx)
		if n := len(batches); n > 0 && batches[n-1].topic == topic {
			batches[n-1].messages = append(batches[n-1].messages, msg)
			continue
		}
		batches = append(batches, topicBatch{topic: topic, messages: []*message.Message{msg}})
	}
	return batches, nil
}

// Subscribe runs h for every event named eventName that reaches consumer
// group group. The event's type must be registered in the bus's registry
// (Handle does that). Subscribing the same group and name twice makes two
// members that share the events. Subscribe may be called before or after
// Start.
func (b *Bus) Subscribe(group, eventName string, h Handler) error {
	if err := validateSubscription(group, eventName, h); err != nil {
		return err
	}
	if !b.opts.Registry.Registered(eventName) {
		return commerce.Errorf(commerce.CodeInvalidArgument, "eventbus: event %q is not registered: register its type with commerce.RegisterEvent or subscribe with eventbus.Handle", eventName)
	}
	return b.subscribe(group, eventName, h, func(msg *message.Message) (commerce.Envelope, error) {
		return unmarshalEnvelope(msg, b.opts.Registry)
	})
}

// SubscribeHeader is Subscribe for a handler that reads only the
// envelope's header (its ID, name, aggregate, time and version): h gets
// the envelope with a nil Payload, and the payload is never decoded, so
// an event costs such a handler nothing of its size. Counting events,
// say. The event need not be registered.
func (b *Bus) SubscribeHeader(group, eventName string, h Handler) error {
	if err := validateSubscription(group, eventName, h); err != nil {
		return err
	}
	return b.subscribe(group, eventName, h, envelopeHeader)
}

// validateSubscription checks the arguments of Subscribe and
// SubscribeHeader.
func validateSubscription(group, eventName string, h Handler) error {
	if err := ValidateGroup(group); err != nil {
		return err
	}
	if err := commerce.ValidateEventName(eventName); err != nil {
		return err
	}
	if h == nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "eventbus: handler is nil")
	}
	return nil
}

// subscribe runs h for every event named eventName that reaches group,
// with the envelope decode makes of its message.
func (b *Bus) subscribe(group, eventName string, h Handler, decode func(*message.Message) (commerce.Envelope, error)) error {
	return b.addHandler(group, eventName, b.Topic(eventName), true, func(msg *message.Message) error {
		env, err := decode(msg)
		if err != nil {
			return err
		}
		ctx, cancel := b.contextFor(msg)
		defer cancel()
		return h(ctx, env)
	})
}

// contextFor detaches a handler from the backend's per-message context,
// which backends cancel as soon as the router starts closing, and ties it
// to the bus's hard stop instead: that is what lets Close drain.
func (b *Bus) contextFor(msg *message.Message) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(msg.Context()))
	stop := context.AfterFunc(b.handlerCtx, cancel)
	return ctx, func() { stop(); cancel() }
}

// addHandler subscribes h behind the bus's middleware. poisonable is false
// only for the poison topic's own consumers, which must not feed it.
func (b *Bus) addHandler(group, eventName, topic string, poisonable bool, h func(*message.Message) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.isClosed() {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "eventbus: subscribe on a closed bus")
	}
	sub, err := b.backend.NewSubscriber(group)
	if err != nil {
		return fmt.Errorf("eventbus: subscriber for group %s: %w", group, err)
	}
	base := group + "/" + eventName
	b.handlers[base]++
	name := base
	if n := b.handlers[base]; n > 1 {
		name += "#" + strconv.Itoa(n)
	}
	handler := b.router.AddConsumerHandler(name, topic, sub, func(msg *message.Message) error { return h(msg) })
	if poisonable {
		handler.AddMiddleware(poisonOnFailure(b.backend.Publisher(), b.PoisonTopic(), name, topic, b.opts.Logger))
	}
	handler.AddMiddleware(
		deduplicate(b.opts.Deduplicator, base, b.opts.Logger),
		retryWithBackoff(b.opts.Retry, b.handlerCtx),
		recoverPanics,
	)
	if len(b.opts.Middleware) > 0 {
		// Innermost, per attempt; its own recoverPanics shows the host a
		// panic as an error.
		handler.AddMiddleware(append(slices.Clone(b.opts.Middleware), recoverPanics)...)
	}
	b.subscribers = append(b.subscribers, sub)
	if b.started {
		if err := b.router.RunHandlers(b.runCtx); err != nil {
			return fmt.Errorf("eventbus: start handler %s: %w", name, err)
		}
	}
	return nil
}

// Start runs the handlers added so far and those added later. It returns
// once the handlers are subscribed, or when ctx ends first.
func (b *Bus) Start(ctx context.Context) error {
	b.mu.Lock()
	if b.isClosed() {
		b.mu.Unlock()
		return commerce.Errorf(commerce.CodeFailedPrecondition, "eventbus: start on a closed bus")
	}
	if b.started {
		b.mu.Unlock()
		return nil
	}
	b.started = true
	b.runCtx = context.WithoutCancel(ctx)
	b.routerDone = make(chan struct{})
	runErr := make(chan error, 1)
	go func() {
		defer close(b.routerDone)
		if err := b.router.Run(b.runCtx); err != nil {
			runErr <- err
		}
	}()
	b.mu.Unlock()

	select {
	case <-b.router.Running():
		return nil
	case err := <-runErr:
		return fmt.Errorf("eventbus: start: %w", err)
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "eventbus: start: %w", ctx.Err())
	}
}

// Close stops taking new events and waits for in-flight handlers until
// ctx ends (or Options.CloseTimeout, if ctx has no deadline). Handlers
// still running then have their context cancelled; their events are not
// acked and will be redelivered by durable backends. Close then closes the
// subscribers and the backend. It is idempotent.
func (b *Bus) Close(ctx context.Context) error {
	b.closeOnce.Do(func() {
		b.mu.Lock()
		close(b.closed)
		subscribers := b.subscribers
		started := b.started
		b.mu.Unlock()

		drained := make(chan error, 1)
		if started {
			go func() { drained <- b.router.Close() }()
		} else {
			drained <- nil // a router that never ran has nothing to drain
		}

		var err error
		select {
		case err = <-drained:
		case <-ctx.Done():
			err = commerce.Errorf(commerce.CodeUnavailable, "eventbus: close: handlers still running at the deadline: %w", ctx.Err())
		}
		b.stopHandler()
		finish := func() error {
			var errs []error
			for _, s := range subscribers {
				errs = append(errs, s.Close())
			}
			errs = append(errs, b.backend.Close())
			return errors.Join(errs...)
		}
		if err != nil {
			// Do not hold the caller past its deadline: release the rest
			// once the router lets go.
			go func() { <-drained; _ = finish() }()
			b.closeErr = err
			return
		}
		b.closeErr = finish()
	})
	return b.closeErr
}

func (b *Bus) isClosed() bool {
	select {
	case <-b.closed:
		return true
	default:
		return false
	}
}
