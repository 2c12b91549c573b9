package pgbus

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/components/forwarder"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// relayGroup is the consumer group of every relay on an outbox: relays in
// several processes take turns, and each committed event is forwarded by
// one of them.
const relayGroup = "mercato_relay"

// Relay forwards committed outbox events to a bus with Watermill's
// forwarder. It remembers its position in the outbox table, so a relay
// started after a crash resumes where the last one stopped: an event is
// forwarded at least once, never zero times.
//
// A relay sleeps until PostgreSQL notifies it of a commit into the outbox
// (a trigger made by NewOutbox, delivered over a connection of the
// relay's own), and looks at OutboxOptions.FallbackPollInterval anyway,
// which covers notifications lost while that connection was down.
type Relay struct {
	forwarder *forwarder.Forwarder
	sub       *wsql.Subscriber
	pool      *pgxpool.Pool
	waker     *waker
	channel   string
	log       *slog.Logger
	// stopListening ends the listener; listened is closed when it has.
	stopListening context.CancelFunc
	listened      chan struct{}

	mu      sync.Mutex
	started bool
	closed  bool

	closeOnce sync.Once
	closeErr  error
}

// NewRelay returns a relay from the outbox in pool to bus. opts must name
// the same Topic as the Outbox; it may be nil.
func NewRelay(pool *pgxpool.Pool, bus *eventbus.Bus, opts *OutboxOptions) (*Relay, error) {
	if pool == nil || bus == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: relay needs a pool and a bus")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	logger := o.watermillLogger()
	w := newWaker(o.PollInterval, o.PollInterval, o.FallbackPollInterval)
	sub, err := newSubscriber(wsql.BeginnerFromPgx(pool), relayGroup, o.Options, w, logger)
	if err != nil {
		return nil, err
	}
	fwd, err := forwarder.NewForwarder(sub, bus.Publisher(), logger, forwarder.Config{ForwarderTopic: o.Topic})
	if err != nil {
		_ = sub.Close()
		return nil, err
	}
	return &Relay{forwarder: fwd, sub: sub, pool: pool, waker: w, channel: notifyChannel(o.Topic), log: o.Logger}, nil
}

// Start begins forwarding and returns once the relay is consuming, or
// when ctx ends first. The relay runs until Close. Starting a started relay
// is a no-op; starting a closed one is FailedPrecondition.
func (r *Relay) Start(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return commerce.Errorf(commerce.CodeFailedPrecondition, "pgbus: start relay: the relay is closed")
	}
	if r.started {
		r.mu.Unlock()
		return nil
	}
	r.started = true
	// Listen before forwarding, so no commit falls between the first
	// query and the first notification.
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	r.stopListening, r.listened = stop, make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(r.listened)
		listen(lctx, r.pool, r.channel, r.waker, r.log, ready)
	}()
	r.mu.Unlock()
	select {
	case <-ready:
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "pgbus: start relay: %w", ctx.Err())
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
		return commerce.Errorf(commerce.CodeUnavailable, "pgbus: start relay: %w", err)
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "pgbus: start relay: %w", ctx.Err())
	}
}

// Close stops forwarding, waiting for the event in flight until ctx ends.
// An event interrupted mid-forward is forwarded again by the next relay.
// Close is idempotent.
func (r *Relay) Close(ctx context.Context) error {
	r.closeOnce.Do(func() {
		r.mu.Lock()
		started := r.started
		r.closed = true
		r.mu.Unlock()
		// The consumer may be waiting for a notification: end that wait
		// before closing it.
		r.waker.stop()
		if started {
			r.stopListening()
			<-r.listened
		}
		stopped := make(chan error, 1)
		if started {
			go func() { stopped <- errors.Join(r.forwarder.Close(), r.sub.Close()) }()
		} else {
			// A forwarder that never ran would wait out its close timeout.
			stopped <- r.sub.Close()
		}
		select {
		case r.closeErr = <-stopped:
		case <-ctx.Done():
			r.closeErr = commerce.Errorf(commerce.CodeUnavailable, "pgbus: close relay: %w", ctx.Err())
		}
	})
	return r.closeErr
}
