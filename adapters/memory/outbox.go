package memory

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of [OutboxOptions].
const (
	DefaultOutboxBatch      = 100
	DefaultOutboxRetryDelay = 500 * time.Millisecond
	DefaultOutboxMaxDelay   = 10 * time.Second
)

// OutboxOptions configures an Outbox. A nil *OutboxOptions, or a zero
// field, means the documented default.
type OutboxOptions struct {
	// Batch is the most events handed to the publisher at once.
	// Default 100.
	Batch int
	// RetryDelay is the wait after a failed publish, doubled on each
	// failure in a row up to MaxDelay. Default 500ms, MaxDelay 10s.
	RetryDelay, MaxDelay time.Duration
	// Logger receives failed publishes. Default slog.Default().
	Logger *slog.Logger
}

// Outbox is the memory stores' outbox: set as Options.Events, it takes
// the events of every applied change at once, so that the change never
// fails for the bus's sake, and forwards them, in the order taken, to the
// publisher it was made with. A publish that fails is retried, with a
// growing delay, until it succeeds: a bus that is down holds events back
// without losing them while the process runs. Events are published at
// least once; a consumer that must see each once deduplicates by
// envelope ID, as with every outbox.
//
// It holds its events in memory, as the memory stores hold their data: a
// process that stops loses both. Start forwards in the background until
// Close.
type Outbox struct {
	to   commerce.EventPublisher
	opts OutboxOptions
	log  *slog.Logger

	mu      sync.Mutex
	queue   []commerce.Envelope
	wake    chan struct{} // has a value when queue may have grown
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
	closed  bool
}

var _ commerce.EventPublisher = (*Outbox)(nil)

// NewOutbox returns an outbox forwarding to publisher. opts may be nil.
func NewOutbox(publisher commerce.EventPublisher, opts *OutboxOptions) (*Outbox, error) {
	if publisher == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "memory: NewOutbox needs a publisher")
	}
	var o OutboxOptions
	if opts != nil {
		o = *opts
	}
	if o.Batch < 0 || o.RetryDelay < 0 || o.MaxDelay < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "memory: outbox Batch, RetryDelay and MaxDelay must not be negative")
	}
	if o.Batch == 0 {
		o.Batch = DefaultOutboxBatch
	}
	if o.RetryDelay == 0 {
		o.RetryDelay = DefaultOutboxRetryDelay
	}
	if o.MaxDelay == 0 {
		o.MaxDelay = DefaultOutboxMaxDelay
	}
	o.MaxDelay = max(o.MaxDelay, o.RetryDelay)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Outbox{to: publisher, opts: o, log: o.Logger, wake: make(chan struct{}, 1)}, nil
}

// Publish implements commerce.EventPublisher: it validates events and
// queues them for the publisher. It fails only for an invalid envelope
// (InvalidArgument, nothing queued) or a closed outbox (Unavailable).
func (o *Outbox) Publish(_ context.Context, events ...commerce.Envelope) error {
	for _, e := range events {
		if err := e.Validate(); err != nil {
			return commerce.Errorf(commerce.CodeInvalidArgument, "memory: outbox: %w", err)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: outbox is closed")
	}
	o.queue = append(o.queue, events...)
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

// Pending returns how many events wait to be published.
func (o *Outbox) Pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue)
}

// Start forwards queued events in the background until Close. Events
// queued before Start wait for it, which lets a host start forwarding only
// once its bus runs. Starting a started outbox is a no-op; starting a
// closed one is FailedPrecondition.
func (o *Outbox) Start(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.closed:
		return commerce.Errorf(commerce.CodeFailedPrecondition, "memory: outbox is closed")
	case o.started:
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	o.started, o.cancel, o.done = true, cancel, make(chan struct{})
	go o.forward(ctx)
	return nil
}

// Close stops taking events and, if started, waits until every queued
// event is published or ctx ends. Events still queued then are lost: it
// returns Unavailable saying how many. Closing twice is a no-op.
func (o *Outbox) Close(ctx context.Context) error {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil
	}
	o.closed = true
	started, done := o.started, o.done
	o.mu.Unlock()
	if started {
		select {
		case o.wake <- struct{}{}:
		default:
		}
		select {
		case <-done:
		case <-ctx.Done():
		}
		o.cancel()
		<-done
	}
	if n := o.Pending(); n > 0 {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: outbox closed with %d events unpublished", n)
	}
	return nil
}

// forward publishes the head of the queue until the outbox is closed
// and empty, or ctx ends.
func (o *Outbox) forward(ctx context.Context) {
	defer close(o.done)
	delay := o.opts.RetryDelay
	for {
		o.mu.Lock()
		batch := o.queue[:min(len(o.queue), o.opts.Batch):min(len(o.queue), o.opts.Batch)]
		drained := len(batch) == 0 && o.closed
		o.mu.Unlock()
		if drained {
			return
		}
		if len(batch) == 0 {
			select {
			case <-o.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		if err := o.to.Publish(ctx, batch...); err != nil {
			o.log.WarnContext(ctx, "memory: outbox publish failed; retrying", "events", len(batch), "retry_in", delay, "error", err)
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return
			}
			delay = min(2*delay, o.opts.MaxDelay)
			continue
		}
		delay = o.opts.RetryDelay
		o.mu.Lock()
		// Only Publish appends, so the batch is still the queue's head;
		// clearing it lets the published payloads be collected.
		clear(o.queue[:len(batch)])
		o.queue = o.queue[len(batch):]
		if len(o.queue) == 0 {
			o.queue = nil
		}
		o.mu.Unlock()
	}
}
