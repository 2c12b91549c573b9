package eventbus

import (
	"context"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Deduplicator remembers which events a consumer group has handled, so a
// redelivered event is acknowledged without running its handler again.
// Implementations must be safe for concurrent use.
type Deduplicator interface {
	// Seen reports whether key was marked done and has not expired.
	Seen(ctx context.Context, key string) (bool, error)
	// Mark records key as done. It is called only after the handler
	// succeeded, so a failed attempt is never mistaken for a handled one.
	Mark(ctx context.Context, key string) error
}

// MemoryDeduplicator is a Deduplicator for one process: keys are kept for a
// window and forgotten after it. It cannot see what other processes of the
// same group handled, which is why handlers stay idempotent on their own.
type MemoryDeduplicator struct {
	window time.Duration
	clock  commerce.Clock

	mu        sync.Mutex
	marked    map[string]time.Time
	nextPrune time.Time
}

// NewMemoryDeduplicator remembers keys for window (at least a second).
// clock may be nil for the system clock.
func NewMemoryDeduplicator(window time.Duration, clock commerce.Clock) *MemoryDeduplicator {
	if window < time.Second {
		window = time.Second
	}
	if clock == nil {
		clock = commerce.SystemClock{}
	}
	return &MemoryDeduplicator{window: window, clock: clock, marked: make(map[string]time.Time)}
}

// Seen reports whether key was marked within the window.
func (d *MemoryDeduplicator) Seen(_ context.Context, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	at, ok := d.marked[key]
	return ok && d.clock.Now().Sub(at) < d.window, nil
}

// Mark records key now. Expired keys are pruned at most once per window,
// which keeps Mark O(1) amortised.
func (d *MemoryDeduplicator) Mark(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.clock.Now()
	d.marked[key] = now
	if !now.Before(d.nextPrune) {
		for k, at := range d.marked {
			if now.Sub(at) >= d.window {
				delete(d.marked, k)
			}
		}
		d.nextPrune = now.Add(d.window)
	}
	return nil
}
