package ratelimit

import (
	"context"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// sweepEvery is how many calls of Allow pass between two sweeps of the
// keys whose allowance is full again, which bounds the memory a Local
// holds to the keys active within about one Period.
const sweepEvery = 1024

// Local is a Limiter in the process's memory: fit for one instance and
// for tests. Several instances of a shop each keep their own count, so
// use a shared store (adapters/redis.RateLimiter) behind a load balancer.
// It is safe for concurrent use.
type Local struct {
	clock commerce.Clock

	mu    sync.Mutex
	tat   map[string]time.Time // theoretical arrival time of the next event, per key
	calls int
}

// NewLocal returns an empty Local over clock; nil means the system clock.
func NewLocal(clock commerce.Clock) *Local {
	if clock == nil {
		clock = commerce.SystemClock{}
	}
	return &Local{clock: clock, tat: map[string]time.Time{}}
}

// Allow implements Limiter with the generic cell rate algorithm.
func (l *Local) Allow(ctx context.Context, key string, lim Limit) (Result, error) {
	if err := lim.Validate(); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, commerce.Errorf(commerce.CodeUnavailable, "ratelimit: %w", err)
	}
	now := l.clock.Now()
	interval := lim.interval()
	burst := interval * time.Duration(lim.Burst)

	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	tat := l.tat[key]
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(interval)
	allowAt := next.Add(-burst)
	if now.Before(allowAt) {
		return Result{RetryAfter: allowAt.Sub(now)}, nil
	}
	l.tat[key] = next
	return Result{Allowed: true, Remaining: int(now.Sub(allowAt) / interval)}, nil
}

// Reset implements Limiter.
func (l *Local) Reset(_ context.Context, key string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.tat, key)
	return nil
}

// sweep drops, every sweepEvery calls, the keys whose allowance is whole
// again: forgetting them changes no answer. l.mu is held.
func (l *Local) sweep(now time.Time) {
	l.calls++
	if l.calls%sweepEvery != 0 {
		return
	}
	for k, tat := range l.tat {
		if !tat.After(now) {
			delete(l.tat, k)
		}
	}
}
