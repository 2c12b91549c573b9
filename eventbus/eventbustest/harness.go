package eventbustest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// uniquePrefix gives each subtest its own topics on a shared broker.
func (c Config) uniquePrefix(t testing.TB) string {
	var b [4]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	return c.TopicPrefix + "s" + hex.EncodeToString(b[:]) + "_"
}

// newBus returns a bus on a fresh backend, closed at cleanup. opts may be
// nil; an unset retry policy is made fast so failure tests stay quick.
func (c Config) newBus(t testing.TB, prefix string, opts *eventbus.Options) *eventbus.Bus {
	t.Helper()
	var o eventbus.Options
	if opts != nil {
		o = *opts
	}
	o.TopicPrefix = prefix
	if o.Retry == (eventbus.RetryPolicy{}) {
		o.Retry = eventbus.RetryPolicy{MaxAttempts: 3, InitialInterval: 5 * time.Millisecond, MaxInterval: 20 * time.Millisecond}
	}
	if o.Logger == nil {
		o.Logger = Logger(t)
	}
	bus, err := eventbus.New(c.NewBackend(t), &o)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = bus.Close(ctx)
	})
	return bus
}

func start(t testing.TB, bus *eventbus.Bus) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, bus.Start(ctx))
}

// Logger returns a logger that writes warnings and errors to the test's
// output until the test ends, and drops them after, when writing would
// panic. Backend tests can hand it to their backend's options.
func Logger(t testing.TB) *slog.Logger {
	w := &guardedWriter{w: t.Output()}
	t.Cleanup(w.stop)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type guardedWriter struct {
	mu      sync.Mutex
	w       io.Writer
	stopped bool
}

func (g *guardedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped {
		return len(p), nil
	}
	return g.w.Write(p)
}

func (g *guardedWriter) stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
}

// delivery is one handler call the recorder saw.
type delivery struct {
	member string
	env    commerce.Envelope
	event  Tested
}

// recorder collects deliveries from handler goroutines for assertions on
// the test goroutine.
type recorder struct {
	mu  sync.Mutex
	got []delivery
}

func (r *recorder) handler(member string) func(context.Context, commerce.Envelope, Tested) error {
	return func(_ context.Context, env commerce.Envelope, e Tested) error {
		r.mu.Lock()
		r.got = append(r.got, delivery{member: member, env: env, event: e})
		r.mu.Unlock()
		return nil
	}
}

func (r *recorder) all() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// distinctSeqs returns how many different Seq values were delivered.
func (r *recorder) distinctSeqs() int {
	seen := map[int]bool{}
	for _, d := range r.all() {
		seen[d.event.Seq] = true
	}
	return len(seen)
}

// eventually waits until cond holds, polling, or fails the test at timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		<-tick.C
	}
}

func publish(t *testing.T, bus *eventbus.Bus, events ...commerce.Envelope) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, bus.Publish(ctx, events...))
}

func tested(aggregate string, seq int) commerce.Envelope {
	return commerce.NewEnvelope(aggregate, time.Now(), Tested{Seq: seq})
}
