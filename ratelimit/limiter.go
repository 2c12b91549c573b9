package ratelimit

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Limit is an allowance: Rate events per Period, of which Burst may be
// spent at once. A zero Limit is invalid; see Validate.
type Limit struct {
	Rate   int
	Burst  int
	Period time.Duration
}

// PerPeriod returns the Limit of n events per period, all of which may be
// spent at once.
func PerPeriod(n int, period time.Duration) Limit {
	return Limit{Rate: n, Burst: n, Period: period}
}

// Validate reports a Limit that allows nothing or is malformed as
// InvalidArgument.
func (l Limit) Validate() error {
	if l.Rate < 1 || l.Burst < 1 || l.Period <= 0 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "ratelimit: a limit needs a positive rate, burst and period, got %d/%s burst %d", l.Rate, l.Period, l.Burst)
	}
	if l.interval() <= 0 {
		// An event earned back in less than a nanosecond cannot be
		// counted: the algorithm divides by that interval.
		return commerce.Errorf(commerce.CodeInvalidArgument, "ratelimit: a rate of %d per %s is faster than one event a nanosecond", l.Rate, l.Period)
	}
	return nil
}

// interval is the time in which one event is earned back.
func (l Limit) interval() time.Duration { return l.Period / time.Duration(l.Rate) }

// Result is a Limiter's answer.
type Result struct {
	// Allowed reports whether the event was allowed (and counted).
	Allowed bool
	// Remaining is how many more events are allowed right now.
	Remaining int
	// RetryAfter, when the event was refused, is how long until one is
	// allowed again; zero otherwise.
	RetryAfter time.Duration
}

// Limiter counts events per key against a Limit.
type Limiter interface {
	// Allow counts one event for key under l if l allows it now, and says
	// so. A refused event is not counted. It is atomic: of concurrent
	// calls for one key with Burst left, exactly Burst are allowed. The
	// same key must always be used with the same Limit. An invalid l is
	// InvalidArgument; a store failure is Unavailable.
	Allow(ctx context.Context, key string, l Limit) (Result, error)
	// Reset forgets every event of key, so that its full burst is
	// allowed again. Resetting an unknown key is no error.
	Reset(ctx context.Context, key string) error
}

// Exhausted returns the ResourceExhausted error of a refused Result,
// saying in its message what was limited and in its details when to retry
// (retry_after_seconds, rounded up), which the HTTP API answers as 429
// with a Retry-After header.
func Exhausted(res Result, what string) error {
	secs := int((res.RetryAfter + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return commerce.Errorf(commerce.CodeResourceExhausted, "%s; retry in %d s", what, secs).WithDetail("retry_after_seconds", secs)
}
