// Package retry is the one retry loop Mercato's services share: notify's
// sends, the event bus's handlers and payment's provider calls. The
// schedule is github.com/cenkalti/backoff/v5's ExponentialBackOff, without
// randomisation so that the documented waits are the waits. Which errors
// end the loop early is commerce.IsPermanent.
//
// Where it differs from backoff.Retry, and why: the wait goes through the
// caller's sleep function, so tests observe the schedule without waiting
// and the bus can end waits with its own stop context; and when a wait is
// cut short the operation's last error is returned rather than the
// context's, because callers classify that error (a provider's unknown
// outcome, a transient send failure) to decide what to record.
package retry

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/mercatohq/mercato/commerce"
)

// Policy is exponential backoff between attempts of one operation.
type Policy struct {
	// MaxAttempts counts runs of the operation, the first included. Less
	// than 1 means 1.
	MaxAttempts int
	// Initial is the wait after the first failure.
	Initial time.Duration
	// Max caps every wait.
	Max time.Duration
	// Multiplier grows the wait after each failure; less than 1 means 1.
	Multiplier float64
}

// schedule returns the backoff that yields the policy's waits in order.
func (p Policy) schedule() *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     min(p.Initial, p.Max),
		RandomizationFactor: 0,
		Multiplier:          max(p.Multiplier, 1),
		MaxInterval:         p.Max,
	}
	b.Reset()
	return b
}

// Waits returns the waits of a run that fails every attempt: one after
// each failure but the last.
func (p Policy) Waits() []time.Duration {
	n := max(p.MaxAttempts, 1) - 1
	waits := make([]time.Duration, n)
	b := p.schedule()
	for i := range waits {
		waits[i] = min(b.NextBackOff(), p.Max)
	}
	return waits
}

// Budget returns the longest the waits of one run can take together.
func (p Policy) Budget() time.Duration {
	var total time.Duration
	for _, w := range p.Waits() {
		total += w
	}
	return total
}

// Sleep waits d, or returns an error as soon as the wait is cut short
// (commerce.Sleep returns ctx's error when ctx ends first).
type Sleep func(ctx context.Context, d time.Duration) error

// Do runs op until it succeeds, returns an error for which
// commerce.IsPermanent reports true, has run p.MaxAttempts times, or ctx
// ends or sleep fails between two attempts; it returns op's last result
// and error. op receives the attempt number, from 1. Before each wait,
// onRetry (if not nil) is told the attempt that failed, its error and the
// wait ahead. A nil sleep is commerce.Sleep.
func Do[T any](ctx context.Context, p Policy, sleep Sleep, op func(attempt int) (T, error), onRetry func(attempt int, err error, wait time.Duration)) (T, error) {
	if sleep == nil {
		sleep = commerce.Sleep
	}
	b := p.schedule()
	for attempt := 1; ; attempt++ {
		res, err := op(attempt)
		if err == nil || commerce.IsPermanent(err) || attempt >= p.MaxAttempts || ctx.Err() != nil {
			return res, err
		}
		wait := min(b.NextBackOff(), p.Max)
		if onRetry != nil {
			onRetry(attempt, err, wait)
		}
		if sleep(ctx, wait) != nil {
			return res, err
		}
	}
}
