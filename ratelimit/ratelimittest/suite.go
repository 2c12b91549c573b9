// Package ratelimittest is the conformance suite of ratelimit.Limiter:
// an implementation passes Run.
package ratelimittest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/ratelimit"
)

// Run tests the Limiter newLimiter returns; each subtest gets a fresh one
// and its own keys. The limiter keeps real time (the suite waits up to
// a few seconds for an allowance to come back).
func Run(t *testing.T, newLimiter func(t *testing.T) ratelimit.Limiter) {
	ctx := context.Background()
	t.Run("Burst then refused", func(t *testing.T) {
		l := newLimiter(t)
		lim := ratelimit.PerPeriod(3, time.Hour)
		for i := range 3 {
			res, err := l.Allow(ctx, "burst", lim)
			require.NoError(t, err)
			require.True(t, res.Allowed, "event %d", i)
			assert.Equal(t, 2-i, res.Remaining, "event %d", i)
		}
		res, err := l.Allow(ctx, "burst", lim)
		require.NoError(t, err)
		assert.False(t, res.Allowed, "the burst is spent")
		assert.Greater(t, res.RetryAfter, time.Duration(0))
		assert.LessOrEqual(t, res.RetryAfter, 20*time.Minute+time.Second, "one event comes back every Period/Rate")
	})
	t.Run("Keys are independent", func(t *testing.T) {
		l := newLimiter(t)
		lim := ratelimit.PerPeriod(1, time.Hour)
		for _, key := range []string{"a", "b"} {
			res, err := l.Allow(ctx, key, lim)
			require.NoError(t, err)
			assert.True(t, res.Allowed, key)
		}
		res, err := l.Allow(ctx, "a", lim)
		require.NoError(t, err)
		assert.False(t, res.Allowed)
	})
	t.Run("Reset", func(t *testing.T) {
		l := newLimiter(t)
		lim := ratelimit.PerPeriod(1, time.Hour)
		_, err := l.Allow(ctx, "reset", lim)
		require.NoError(t, err)
		require.NoError(t, l.Reset(ctx, "reset"))
		res, err := l.Allow(ctx, "reset", lim)
		require.NoError(t, err)
		assert.True(t, res.Allowed, "a reset key has its burst again")
		require.NoError(t, l.Reset(ctx, "never-seen"))
	})
	t.Run("Allowance comes back", func(t *testing.T) {
		l := newLimiter(t)
		lim := ratelimit.Limit{Rate: 10, Burst: 1, Period: time.Second}
		res, err := l.Allow(ctx, "refill", lim)
		require.NoError(t, err)
		require.True(t, res.Allowed)
		deadline := time.Now().Add(5 * time.Second)
		for {
			res, err = l.Allow(ctx, "refill", lim)
			require.NoError(t, err)
			if res.Allowed {
				break
			}
			require.True(t, time.Now().Before(deadline), "no allowance came back within 5s (retry after %s)", res.RetryAfter)
			time.Sleep(min(res.RetryAfter, 50*time.Millisecond))
		}
	})
	t.Run("Invalid limit", func(t *testing.T) {
		l := newLimiter(t)
		_, err := l.Allow(ctx, "x", ratelimit.Limit{})
		assert.ErrorIs(t, err, commerce.ErrInvalidArgument)
		_, err = l.Allow(ctx, "x", ratelimit.Limit{Rate: 1 << 30, Burst: 1, Period: time.Second})
		assert.ErrorIs(t, err, commerce.ErrInvalidArgument, "a rate faster than one event a nanosecond")
	})
	t.Run("Race", func(t *testing.T) {
		l := newLimiter(t)
		const burst, n = 5, 40
		lim := ratelimit.PerPeriod(burst, time.Hour)
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		allowed := 0
		var errs []error
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res, err := l.Allow(ctx, "race", lim)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				} else if res.Allowed {
					allowed++
				}
			}()
		}
		close(start)
		wg.Wait()
		require.Empty(t, errs, fmt.Sprint(errs))
		assert.Equal(t, burst, allowed, "exactly the burst wins")
	})
}
