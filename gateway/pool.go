package gateway

import (
	"net/url"
	"sync/atomic"
)

// instance is one running copy of a service.
type instance struct {
	service string
	url     *url.URL

	inFlight atomic.Int64 // requests sent and not yet answered
	healthy  atomic.Bool  // receives requests
	failures atomic.Int32 // consecutive failed requests since the last success
}

// pool is the instances of one service.
type pool struct {
	name      string
	instances []*instance
	next      atomic.Uint64 // where the next pick starts, for round robin among equals
}

// pick returns the healthy instance with the fewest requests in flight,
// starting each search one instance further so that equally loaded
// instances take turns; nil when none is healthy.
func (p *pool) pick() *instance {
	n := len(p.instances)
	start := int(p.next.Add(1) % uint64(n))
	var best *instance
	var bestLoad int64
	for i := range n {
		in := p.instances[(start+i)%n]
		if !in.healthy.Load() {
			continue
		}
		if load := in.inFlight.Load(); best == nil || load < bestLoad {
			best, bestLoad = in, load
		}
	}
	return best
}

// succeeded records an answered request.
func (in *instance) succeeded() { in.failures.Store(0) }

// failed records a failed request (no answer, or a 5xx) and reports
// whether it ejected the instance: after ejectAfter failures in a row it
// receives nothing until a health check passes.
func (in *instance) failed(ejectAfter int) bool {
	if int(in.failures.Add(1)) < ejectAfter {
		return false
	}
	return in.healthy.CompareAndSwap(true, false)
}

// eject takes the instance out at once, as when nothing listens at its
// address, and reports whether it was in.
func (in *instance) eject() bool { return in.healthy.CompareAndSwap(true, false) }
