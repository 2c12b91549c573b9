package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/retry"
)

const ms = time.Millisecond

// recorder is a sleep that records the waits and never waits.
type recorder struct{ waits []time.Duration }

func (r *recorder) sleep(_ context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return nil
}

func TestWaitsGrowAndCap(t *testing.T) {
	p := retry.Policy{MaxAttempts: 7, Initial: 100 * ms, Max: time.Second, Multiplier: 2}
	assert.Equal(t, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second}, p.Waits())
	assert.Equal(t, 3500*ms, p.Budget())

	// An initial wait above the cap is capped; a multiplier below 1 is 1.
	assert.Equal(t, []time.Duration{50 * ms, 50 * ms}, retry.Policy{MaxAttempts: 3, Initial: time.Second, Max: 50 * ms, Multiplier: 2}.Waits())
	assert.Equal(t, []time.Duration{10 * ms, 10 * ms}, retry.Policy{MaxAttempts: 3, Initial: 10 * ms, Max: time.Second, Multiplier: 0.5}.Waits())
	assert.Empty(t, retry.Policy{MaxAttempts: 0, Initial: ms, Max: ms}.Waits())
}

func TestDoRetriesTransientFailuresOnSchedule(t *testing.T) {
	p := retry.Policy{MaxAttempts: 4, Initial: 10 * ms, Max: 25 * ms, Multiplier: 2}
	var rec recorder
	var told []int
	res, err := retry.Do(context.Background(), p, rec.sleep, func(attempt int) (int, error) {
		if attempt < 3 {
			return 0, commerce.Errorf(commerce.CodeUnavailable, "busy")
		}
		return attempt, nil
	}, func(attempt int, err error, wait time.Duration) {
		assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
		told = append(told, attempt)
	})
	require.NoError(t, err)
	assert.Equal(t, 3, res)
	assert.Equal(t, []time.Duration{10 * ms, 20 * ms}, rec.waits)
	assert.Equal(t, []int{1, 2}, told)
}

func TestDoGivesUpAfterMaxAttemptsWithTheLastError(t *testing.T) {
	p := retry.Policy{MaxAttempts: 3, Initial: ms, Max: ms, Multiplier: 2}
	var rec recorder
	runs := 0
	_, err := retry.Do(context.Background(), p, rec.sleep, func(attempt int) (struct{}, error) {
		runs++
		return struct{}{}, commerce.Errorf(commerce.CodeUnavailable, "attempt %d", attempt)
	}, nil)
	assert.Equal(t, 3, runs)
	assert.EqualError(t, err, "unavailable: attempt 3")
	assert.Equal(t, p.Waits(), rec.waits)
}

func TestDoStopsAtAPermanentError(t *testing.T) {
	p := retry.Policy{MaxAttempts: 5, Initial: ms, Max: ms, Multiplier: 2}
	for name, failure := range map[string]error{
		"Marked": commerce.Permanent(errors.New("550 mailbox unavailable")),
		"Coded":  commerce.Errorf(commerce.CodeInvalidArgument, "bad address"),
	} {
		t.Run(name, func(t *testing.T) {
			var rec recorder
			runs := 0
			_, err := retry.Do(context.Background(), p, rec.sleep, func(int) (int, error) { runs++; return 0, failure }, nil)
			assert.Equal(t, failure, err)
			assert.Equal(t, 1, runs)
			assert.Empty(t, rec.waits)
		})
	}
}

// A wait cut short returns the operation's error, not the sleep's: the
// caller classifies what the operation said.
func TestDoReturnsTheOperationErrorWhenTheWaitIsCut(t *testing.T) {
	p := retry.Policy{MaxAttempts: 5, Initial: ms, Max: ms, Multiplier: 2}
	failure := commerce.Errorf(commerce.CodeUnavailable, "timeout")
	runs := 0
	_, err := retry.Do(context.Background(), p, func(context.Context, time.Duration) error { return context.Canceled },
		func(int) (int, error) { runs++; return 0, failure }, nil)
	assert.Equal(t, failure, err)
	assert.Equal(t, 1, runs)

	// An ended context stops the loop before any wait, with the default
	// sleep too.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	runs = 0
	_, err = retry.Do(ctx, p, nil, func(int) (int, error) { runs++; return 0, failure }, nil)
	assert.Equal(t, failure, err)
	assert.Equal(t, 1, runs)
}

// The default sleep really waits, and its wait ends with the context.
func TestDoDefaultSleepEndsWithTheContext(t *testing.T) {
	p := retry.Policy{MaxAttempts: 2, Initial: time.Hour, Max: time.Hour, Multiplier: 2}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := retry.Do(ctx, p, nil, func(int) (int, error) { return 0, commerce.Errorf(commerce.CodeUnavailable, "busy") },
			func(int, error, time.Duration) { cancel() })
		done <- err
	}()
	select {
	case err := <-done:
		assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	case <-time.After(10 * time.Second):
		t.Fatal("Do kept waiting after its context ended")
	}
}
