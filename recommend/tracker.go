package recommend

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of TrackerOptions.
const (
	DefaultTrackerBuffer  = 4096
	DefaultTrackerBatch   = 256
	DefaultFlushInterval  = 200 * time.Millisecond
	DefaultPublishTimeout = 2 * time.Second
)

// TrackerOptions configures a Tracker. A nil *TrackerOptions, or a zero
// field, means the documented default.
type TrackerOptions struct {
	// Buffer is how many views wait for publication at most; a view
	// arriving when it is full is dropped and counted. Default 4096.
	Buffer int
	// Batch is how many views one Publish carries at most. Default 256.
	Batch int
	// FlushInterval is the longest a view waits for its batch to fill.
	// Default 200ms.
	FlushInterval time.Duration
	// PublishTimeout bounds one Publish: a bus that hangs costs a batch,
	// never the requests that record views. Default 2s.
	PublishTimeout time.Duration
	Clock          commerce.Clock
	Logger         *slog.Logger
}

// TrackerStats counts what a Tracker did with the views it was given.
type TrackerStats struct {
	Published uint64
	// Dropped counts views lost because the buffer was full or the bus
	// refused their batch.
	Dropped uint64
}

// Tracker publishes recommend.product_viewed events off the request
// path. Viewed only queues the view; Run publishes the queue in batches.
// When the bus is slow or down, views are dropped and counted rather
// than making a shopper wait: a lost view costs a recommendation a
// little accuracy, a slow page costs the sale.
type Tracker struct {
	pub   commerce.EventPublisher
	opts  TrackerOptions
	queue chan commerce.Envelope

	published, dropped atomic.Uint64
}

// NewTracker returns a Tracker publishing to pub. The host starts Run.
func NewTracker(pub commerce.EventPublisher, opts *TrackerOptions) (*Tracker, error) {
	if pub == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "recommend: NewTracker needs a publisher")
	}
	var o TrackerOptions
	if opts != nil {
		o = *opts
	}
	if o.Buffer < 0 || o.Batch < 0 || o.FlushInterval < 0 || o.PublishTimeout < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "recommend: tracker options must not be negative")
	}
	if o.Buffer == 0 {
		o.Buffer = DefaultTrackerBuffer
	}
	if o.Batch == 0 {
		o.Batch = DefaultTrackerBatch
	}
	if o.FlushInterval == 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	if o.PublishTimeout == 0 {
		o.PublishTimeout = DefaultPublishTimeout
	}
	if o.Clock == nil {
		o.Clock = commerce.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Tracker{pub: pub, opts: o, queue: make(chan commerce.Envelope, o.Buffer)}, nil
}

// Viewed records that the shopper (a customer, or a session for a guest)
// viewed product. It never blocks: it reports false when the view was
// dropped (the buffer is full, or neither shopper key is given).
func (t *Tracker) Viewed(product commerce.ProductID, session string, customer commerce.CustomerID) bool {
	if product.IsZero() || (session == "" && customer.IsZero()) || len(session) > maxIDLen {
		return false
	}
	env := commerce.NewEnvelope(string(product), t.opts.Clock.Now(), ProductViewed{ProductID: product, SessionID: session, CustomerID: customer})
	select {
	case t.queue <- env:
		return true
	default:
		t.dropped.Add(1)
		return false
	}
}

// Stats returns the counts so far.
func (t *Tracker) Stats() TrackerStats {
	return TrackerStats{Published: t.published.Load(), Dropped: t.dropped.Load()}
}

// Run publishes queued views until ctx ends, then publishes what is
// still queued (within PublishTimeout) and returns nil.
func (t *Tracker) Run(ctx context.Context) error {
	ticker := time.NewTicker(t.opts.FlushInterval)
	defer ticker.Stop()
	batch := make([]commerce.Envelope, 0, t.opts.Batch)
	for {
		select {
		case env := <-t.queue:
			batch = append(batch, env)
			if len(batch) < t.opts.Batch {
				continue
			}
		case <-ticker.C:
		case <-ctx.Done():
			t.drain(context.WithoutCancel(ctx), batch)
			return nil
		}
		if len(batch) > 0 {
			t.publish(ctx, batch)
			// A publisher may keep the slice it was given.
			batch = make([]commerce.Envelope, 0, t.opts.Batch)
		}
	}
}

// drain publishes batch and whatever is still queued.
func (t *Tracker) drain(ctx context.Context, batch []commerce.Envelope) {
	for {
		select {
		case env := <-t.queue:
			batch = append(batch, env)
			if len(batch) < t.opts.Batch {
				continue
			}
		default:
		}
		if len(batch) == 0 {
			return
		}
		t.publish(ctx, batch)
		batch = make([]commerce.Envelope, 0, t.opts.Batch)
	}
}

// publish hands batch to the bus once; a refusal drops it, counted.
func (t *Tracker) publish(ctx context.Context, batch []commerce.Envelope) {
	pctx, cancel := context.WithTimeout(ctx, t.opts.PublishTimeout)
	defer cancel()
	if err := t.pub.Publish(pctx, batch...); err != nil {
		t.dropped.Add(uint64(len(batch)))
		t.opts.Logger.Warn("recommend: views dropped: the bus refused them", "views", len(batch), "error", err)
		return
	}
	t.published.Add(uint64(len(batch)))
}
