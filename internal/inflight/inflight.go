// Package inflight lets concurrent calls with one key share a single
// execution: the first call runs, the others wait for its result. The
// payment and order services use it so that duplicate requests with one
// idempotency key in one process wait for the first instead of racing it
// to the store.
//
// It is golang.org/x/sync/singleflight with a context and a result type.
// Where it differs from singleflight.Group.DoChan, and why: fn runs on the
// goroutine of the call that leads, not on one of singleflight's, so a
// panic in fn reaches that caller (in DoChan it would end the process) and
// the leading call returns only once fn has returned, so the work a
// checkout started is over when its caller hears back. A waiting call
// whose context ends returns at once.
package inflight

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/singleflight"

	"github.com/mercatohq/mercato/commerce"
)

// Group runs at most one call per key at a time. The zero value is ready
// to use; a Group must not be copied after first use.
type Group[V any] struct {
	flights singleflight.Group
}

type result[V any] struct {
	v   V
	err error
}

// A call's claim on its flight: the flight's function and the caller's
// context race to set it once.
const (
	undecided int32 = iota
	leading
	gaveUp
)

// Do runs fn under key unless a call under key is already running; then
// it waits for that call and returns its result with shared set. When ctx
// ends first it returns ctx's error, shared set, and the running call
// carries on. Once a call returns, the next Do under its key runs fn
// again. If fn panics, the panic reaches the caller that ran it and the
// waiters get an Internal error.
func (g *Group[V]) Do(ctx context.Context, key string, fn func() (V, error)) (v V, err error, shared bool) {
	var claim atomic.Int32
	lead := make(chan struct{})
	handback := make(chan result[V], 1)
	// singleflight runs this only for the first call under key: it hands
	// the lead to that call's goroutine and waits for fn's result there.
	flight := g.flights.DoChan(key, func() (any, error) {
		if !claim.CompareAndSwap(undecided, leading) {
			// The caller gave up before its flight began. Anyone who
			// joined meanwhile gets what fn would have seen.
			return nil, ctx.Err()
		}
		close(lead)
		r := <-handback
		return r.v, r.err
	})
	select {
	case <-lead:
		return g.run(flight, fn, handback)
	case r := <-flight:
		v, _ = r.Val.(V)
		return v, r.Err, true
	case <-ctx.Done():
		if claim.CompareAndSwap(undecided, gaveUp) {
			var zero V
			return zero, ctx.Err(), true
		}
		// This call leads after all: finish as the leader does.
		<-lead
		return g.run(flight, fn, handback)
	}
}

// run calls fn on the caller's goroutine, hands its result to the flight
// and waits until the flight has ended, so the key is free on return.
func (g *Group[V]) run(flight <-chan singleflight.Result, fn func() (V, error), handback chan<- result[V]) (V, error, bool) {
	finished := false
	defer func() {
		if !finished {
			handback <- result[V]{err: commerce.Errorf(commerce.CodeInternal, "inflight: the first call with this key panicked")}
		}
	}()
	v, err := fn()
	finished = true
	handback <- result[V]{v, err}
	<-flight
	return v, err, false
}
