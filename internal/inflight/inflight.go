// Package inflight lets concurrent calls with one key share a single
// execution: the first call runs, the others wait for its result. The
// payment and order services use it so that duplicate requests with one
// idempotency key in one process wait for the first instead of racing it
// to the store.
package inflight

import (
	"context"
	"sync"
)

// Group runs at most one call per key at a time. The zero value is ready
// to use; a Group must not be copied after first use.
type Group[V any] struct {
	mu    sync.Mutex
	calls map[string]*call[V]
}

type call[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// Do runs fn under key unless a call under key is already running; then
// it waits for that call and returns its result with shared set. When ctx
// ends first it returns ctx's error, shared set, and the running call
// carries on. Once a call returns, the next Do under its key runs fn
// again.
func (g *Group[V]) Do(ctx context.Context, key string, fn func() (V, error)) (v V, err error, shared bool) {
	g.mu.Lock()
	if c, ok := g.calls[key]; ok {
		g.mu.Unlock()
		select {
		case <-c.done:
			return c.v, c.err, true
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err(), true
		}
	}
	if g.calls == nil {
		g.calls = map[string]*call[V]{}
	}
	c := &call[V]{done: make(chan struct{})}
	g.calls[key] = c
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.calls, key)
		g.mu.Unlock()
		close(c.done)
	}()
	c.v, c.err = fn()
	return c.v, c.err, false
}
