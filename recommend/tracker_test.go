package recommend_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// recorder is a publisher keeping what it is given; failing or hanging
// on demand.
type recorder struct {
	mu      sync.Mutex
	batches [][]commerce.Envelope
	fail    bool
	hang    bool
}

func (r *recorder) Publish(ctx context.Context, events ...commerce.Envelope) error {
	r.mu.Lock()
	fail, hang := r.fail, r.hang
	r.mu.Unlock()
	if hang {
		<-ctx.Done()
		return ctx.Err()
	}
	if fail {
		return errors.New("bus down")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, events)
	return nil
}

func (r *recorder) events() []commerce.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []commerce.Envelope
	for _, b := range r.batches {
		out = append(out, b...)
	}
	return out
}

// startTracker runs a tracker until the test ends; stop stops it and
// waits.
func startTracker(t *testing.T, pub commerce.EventPublisher, opts *recommend.TrackerOptions) (tr *recommend.Tracker, stop func()) {
	t.Helper()
	if opts.Logger == nil {
		opts.Logger = quiet
	}
	tr, err := recommend.NewTracker(pub, opts)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = tr.Run(ctx)
	}()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return tr, stop
}

func TestTrackerPublishesInBatches(t *testing.T) {
	rec := &recorder{}
	tr, _ := startTracker(t, rec, &recommend.TrackerOptions{Batch: 10, FlushInterval: 10 * time.Millisecond})
	product, customer := commerce.NewID[commerce.ProductID](), commerce.NewID[commerce.CustomerID]()
	for range 25 {
		require.True(t, tr.Viewed(product, "", customer))
	}
	assert.Eventually(t, func() bool { return len(rec.events()) == 25 }, 5*time.Second, 5*time.Millisecond)
	rec.mu.Lock()
	for _, b := range rec.batches {
		assert.LessOrEqual(t, len(b), 10)
	}
	assert.Less(t, len(rec.batches), 25, "views travel in batches")
	rec.mu.Unlock()
	env := rec.events()[0]
	assert.Equal(t, "recommend.product_viewed", env.Name)
	assert.Equal(t, recommend.ProductViewed{ProductID: product, CustomerID: customer}, env.Payload)
	assert.Equal(t, recommend.TrackerStats{Published: 25}, tr.Stats())

	assert.False(t, tr.Viewed(product, "", ""), "a view of nobody is not recorded")
}

func TestTrackerDropsWhenTheBusIsDown(t *testing.T) {
	rec := &recorder{fail: true}
	tr, _ := startTracker(t, rec, &recommend.TrackerOptions{Batch: 5, FlushInterval: 5 * time.Millisecond})
	p := commerce.NewID[commerce.ProductID]()
	for range 12 {
		tr.Viewed(p, "sess-1", "")
	}
	assert.Eventually(t, func() bool { return tr.Stats().Dropped == 12 }, 5*time.Second, 5*time.Millisecond)
	assert.Empty(t, rec.events())
}

func TestTrackerNeverBlocksOnAHangingBus(t *testing.T) {
	rec := &recorder{hang: true}
	tr, stop := startTracker(t, rec, &recommend.TrackerOptions{Buffer: 4, Batch: 2, FlushInterval: time.Millisecond, PublishTimeout: time.Hour})
	p := commerce.NewID[commerce.ProductID]()
	accepted := 0
	for range 100 { // each call returns at once: the test would hang otherwise
		if tr.Viewed(p, "sess-1", "") {
			accepted++
		}
	}
	assert.LessOrEqual(t, accepted, 4+2, "the buffer and the batch in flight")
	assert.EqualValues(t, 100-accepted, tr.Stats().Dropped)
	rec.mu.Lock()
	rec.hang = false
	rec.mu.Unlock()
	stop() // Run's context ends the hanging publish; the drain publishes the rest
}

func TestTrackerFlushesWhenStopped(t *testing.T) {
	rec := &recorder{}
	tr, stop := startTracker(t, rec, &recommend.TrackerOptions{Batch: 100, FlushInterval: time.Hour})
	p := commerce.NewID[commerce.ProductID]()
	for range 3 {
		tr.Viewed(p, "sess-1", "")
	}
	stop()
	assert.Len(t, rec.events(), 3, "queued views are published on the way out")
}
