package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"sync"

	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/ThreeDotsLabs/watermill/message"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// OutboxRelay forwards the events a CartStore appended to its outbox
// stream to the host's publisher. It is Watermill's forwarder reading the
// stream with Watermill's redisstream subscriber, the same mechanism as
// the PostgreSQL outbox's relay (package pgbus): the subscriber reads the
// stream in a consumer group, the forwarder unwraps each entry and hands
// its event to the publisher, and only then is the entry acknowledged, so
// an event is published at least once, never zero times. A publish that
// fails is offered again after RelayOptions.RetryDelay until it succeeds,
// so a broken bus holds events back without losing them. Entries another
// relay read but never acknowledged (it died) are claimed once idle for
// RelayOptions.ClaimIdle.
//
// An entry that is not in the outbox's format, or whose event cannot be
// decoded, can never be published: it is moved to the dead-letter stream
// <stream>:dead (with Watermill's poison-queue middleware, the reason in
// its metadata) and acknowledged. An entry in the stream's format whose
// payload is not a forwarder envelope is logged and acknowledged by the
// forwarder.
//
// Events of one relay are published one at a time, in the order the
// writes committed; several relays on one stream share the work and give
// up that order between them. The host keeps owning the client and the
// publisher.
type OutboxRelay struct {
	forwarder *forwarder.Forwarder
	sub       *redisstream.Subscriber

	mu      sync.Mutex
	running bool
	closed  bool

	closeOnce sync.Once
	closeErr  error
}

// NewOutboxRelay returns a relay from the outbox stream opts.Stream on
// client to publisher. The stream is required: a relay reading another
// stream than its store writes would publish nothing, without an error.
// CartStore.NewOutboxRelay fills it in from the store.
func NewOutboxRelay(client goredis.UniversalClient, publisher commerce.EventPublisher, opts *RelayOptions) (*OutboxRelay, error) {
	if client == nil || publisher == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewOutboxRelay needs a client and a publisher")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	logger := eventbus.WatermillLogger(o.Logger.With("stream", o.Stream, "group", o.Group, "consumer", o.Consumer))
	shared := hostClient{client}
	sub, err := redisstream.NewSubscriber(redisstream.SubscriberConfig{
		Client:          shared,
		Unmarshaller:    outboxUnmarshaller{},
		Consumer:        o.Consumer,
		ConsumerGroup:   o.Group,
		NackResendSleep: o.RetryDelay,
		BlockTime:       o.Block,
		ClaimInterval:   max(o.ClaimIdle/2, minClaimInterval),
		ClaimBatchSize:  int64(o.Batch),
		MaxIdleTime:     o.ClaimIdle,
		// From the stream's first entry, so that events written before
		// any relay ran are forwarded too.
		OldestId: "0",
		// Every read waits at most Block, which bounds how long Close
		// waits for the reader to notice.
		DisableIndefiniteInitialBlock: true,
	}, logger)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay subscriber: %w", err)
	}
	deadLetters, err := redisstream.NewPublisher(redisstream.PublisherConfig{Client: shared}, logger)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay dead letters: %w", err)
	}
	deadLetter, err := deadLetterMiddleware(deadLetters, o.Stream+":dead")
	if err != nil {
		return nil, err
	}
	fwd, err := forwarder.NewForwarder(sub, eventPublisher{publisher: publisher, registry: o.Registry}, logger, forwarder.Config{
		ForwarderTopic:      o.Stream,
		Middlewares:         []message.HandlerMiddleware{deadLetter},
		AckWhenCannotUnwrap: true,
	})
	if err != nil {
		_ = sub.Close()
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay forwarder: %w", err)
	}
	return &OutboxRelay{forwarder: fwd, sub: sub}, nil
}

// NewOutboxRelay returns a relay of the store's outbox stream, on the
// store's client, to publisher. opts may be nil; its Stream, when set,
// must be the store's (CodeInvalidArgument otherwise).
func (s *CartStore) NewOutboxRelay(publisher commerce.EventPublisher, opts *RelayOptions) (*OutboxRelay, error) {
	var o RelayOptions
	if opts != nil {
		o = *opts
	}
	if o.Stream != "" && o.Stream != s.OutboxStream() {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay stream %q is not the store's outbox stream %q", o.Stream, s.OutboxStream())
	}
	o.Stream = s.OutboxStream()
	return NewOutboxRelay(s.client, publisher, &o)
}

func consumerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// begin marks the relay running, once: it reports whether it already
// was, and fails if the relay is closed.
func (r *OutboxRelay) begin() (already bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false, commerce.Errorf(commerce.CodeFailedPrecondition, "redis: start relay: the relay is closed")
	}
	already, r.running = r.running, true
	return already, nil
}

// Run relays until ctx ends or Close, then returns nil; it fails early if
// the consumer group cannot be created. A relay runs once: use Run or
// Start, not both (FailedPrecondition).
func (r *OutboxRelay) Run(ctx context.Context) error {
	already, err := r.begin()
	if err != nil {
		return err
	}
	if already {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "redis: run relay: the relay is already running")
	}
	if err := r.forwarder.Run(ctx); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "redis: run relay: %w", err)
	}
	return nil
}

// Start begins relaying in the background and returns once the relay is
// consuming, or when ctx ends first. The relay runs until Close. Starting
// a started relay is a no-op; starting a closed one is FailedPrecondition.
func (r *OutboxRelay) Start(ctx context.Context) error {
	if already, err := r.begin(); err != nil || already {
		return err
	}
	runErr := make(chan error, 1)
	go func() {
		if err := r.forwarder.Run(context.WithoutCancel(ctx)); err != nil {
			runErr <- err
		}
	}()
	select {
	case <-r.forwarder.Running():
		return nil
	case err := <-runErr:
		return commerce.Errorf(commerce.CodeUnavailable, "redis: start relay: %w", err)
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "redis: start relay: %w", ctx.Err())
	}
}

// Close stops the relay and waits, until ctx ends, for the event in
// flight: at most one read (RelayOptions.Block), one publish, or one
// RetryDelay after a failed one. An entry interrupted before its
// acknowledgement is claimed by another relay after ClaimIdle. Close is
// idempotent.
func (r *OutboxRelay) Close(ctx context.Context) error {
	r.closeOnce.Do(func() {
		r.mu.Lock()
		running := r.running
		r.closed = true
		r.mu.Unlock()
		stopped := make(chan error, 1)
		if running {
			go func() { stopped <- errors.Join(r.forwarder.Close(), r.sub.Close()) }()
		} else {
			// A forwarder that never ran would wait out its close timeout.
			stopped <- r.sub.Close()
		}
		select {
		case err := <-stopped:
			if err != nil {
				r.closeErr = commerce.Errorf(commerce.CodeUnavailable, "redis: close relay: %w", err)
			}
		case <-ctx.Done():
			r.closeErr = commerce.Errorf(commerce.CodeUnavailable, "redis: close relay: %w", ctx.Err())
		}
	})
	return r.closeErr
}
