package commercetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Recorder is a commerce.EventPublisher that keeps every envelope it is
// given, in order. Domain conformance suites hand one to the store or
// service under test and then assert on what was published. It is safe for
// concurrent use.
type Recorder struct {
	mu      sync.Mutex
	envs    []commerce.Envelope
	changed chan struct{}
}

// NewRecorder returns an empty Recorder.
func NewRecorder() *Recorder {
	return &Recorder{changed: make(chan struct{})}
}

// Publish records events. It fails only when ctx has already ended, as a
// real publisher would.
func (r *Recorder) Publish(ctx context.Context, events ...commerce.Envelope) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	r.envs = append(r.envs, events...)
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
	return nil
}

// Envelopes returns a copy of every recorded envelope, oldest first.
func (r *Recorder) Envelopes() []commerce.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]commerce.Envelope(nil), r.envs...)
}

// Named returns the recorded envelopes whose event name is name, oldest
// first.
func (r *Recorder) Named(name string) []commerce.Envelope {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []commerce.Envelope
	for _, e := range r.envs {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// Names returns the event names recorded so far, oldest first.
func (r *Recorder) Names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.envs))
	for i, e := range r.envs {
		out[i] = e.Name
	}
	return out
}

// Reset forgets every recorded envelope.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.envs = nil
	r.mu.Unlock()
}

// WaitFor blocks until at least n envelopes named name were recorded and
// returns those recorded so far, or fails the test after timeout. Stores
// that publish through an outbox deliver asynchronously, so suites wait
// rather than look. Call it from the test goroutine only.
func (r *Recorder) WaitFor(t testing.TB, timeout time.Duration, name string, n int) []commerce.Envelope {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		changed := r.changed
		r.mu.Unlock()
		if got := r.Named(name); len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			got := r.Named(name)
			t.Fatalf("commercetest: waited %v for %d %q events, got %d (all recorded: %v)", timeout, n, name, len(got), r.Names())
			return got
		}
	}
}

// Await blocks until at least n envelopes named name were recorded and
// returns those recorded so far. It waits on that condition for as long
// as the test may run (until shortly before t's deadline, or
// DefaultAwait for a test without one), not for a fixed time: a
// PostgreSQL outbox relay delivers only rows older than the oldest
// transaction still running anywhere on the server, so a loaded server
// can hold delivery back for many seconds without anything being wrong.
// Call it from the test goroutine only.
func (r *Recorder) Await(t testing.TB, name string, n int) []commerce.Envelope {
	t.Helper()
	return r.WaitFor(t, AwaitTimeout(t), name, n)
}

// DefaultAwait bounds Await in a test that has no deadline.
const DefaultAwait = 2 * time.Minute

// awaitGrace is left before the test's deadline so that a wait that gives
// up still reports what it waited for, rather than the test binary's
// panic.
const awaitGrace = 5 * time.Second

// AwaitTimeout is how long Await waits in t: until awaitGrace before
// t's deadline, DefaultAwait when t has none, and never less than a
// second.
func AwaitTimeout(t testing.TB) time.Duration {
	d, ok := t.(interface{ Deadline() (time.Time, bool) })
	if !ok {
		return DefaultAwait
	}
	deadline, ok := d.Deadline()
	if !ok {
		return DefaultAwait
	}
	return max(time.Until(deadline)-awaitGrace, time.Second)
}
