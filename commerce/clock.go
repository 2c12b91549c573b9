package commerce

import (
	"context"
	"sync"
	"time"
)

// Clock is the source of "now" for every rule that depends on time: cart
// TTLs, reservation expiry, payment and order timeouts. Services take a Clock
// instead of calling time.Now so tests can move time forward instead of
// sleeping.
type Clock interface {
	Now() time.Time
}

// SystemClock is the production Clock. Its zero value is ready to use.
type SystemClock struct{}

// Now returns the current time in UTC, so timestamps stored and serialised
// by Mercato do not depend on the host's time zone. UTC strips the monotonic
// reading; measure elapsed time with time.Since, not by subtracting Now calls.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// TestClock is a Clock that only moves when told to. It is safe for
// concurrent use, so a test can advance it while the code under test reads
// it from other goroutines.
type TestClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewTestClock returns a TestClock that reads start (in UTC) until it is Set
// or Advanced.
func NewTestClock(start time.Time) *TestClock {
	return &TestClock{now: start.UTC()}
}

// Now returns the clock's current time.
func (c *TestClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (in UTC), backwards if need be, to test how code
// copes with a clock that jumps.
func (c *TestClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Advance moves the clock by d, which may be negative.
func (c *TestClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep waits for d or until ctx ends, whichever comes first, and returns
// ctx's error in the second case. Services use it as the default of their
// backoff seams, which tests replace so they never sleep.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
