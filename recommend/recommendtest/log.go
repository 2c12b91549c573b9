package recommendtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// NewLog returns an empty log for one test.
type NewLog func(t *testing.T) recommend.Log

// RunLog runs the conformance suite of recommend.Log against the logs
// newLog returns.
func RunLog(t *testing.T, newLog NewLog) {
	t.Run("AppendScanResume", func(t *testing.T) { testAppendScan(t, newLog(t)) })
	t.Run("Idempotent", func(t *testing.T) { testIdempotent(t, newLog(t)) })
	t.Run("InvalidAppendsNothing", func(t *testing.T) { testInvalid(t, newLog(t)) })
	t.Run("StopAndResume", func(t *testing.T) { testStop(t, newLog(t)) })
	t.Run("Prune", func(t *testing.T) { testPrune(t, newLog(t)) })
	t.Run("ConcurrentAppends", func(t *testing.T) { testConcurrent(t, newLog(t)) })
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// activity returns a valid activity numbered i.
func activity(i int, kind recommend.Kind) recommend.Activity {
	a := recommend.Activity{
		ID: fmt.Sprintf("evt-%d", i), Kind: kind, ProductID: commerce.NewID[commerce.ProductID](),
		At: t0.Add(time.Duration(i) * time.Second),
	}
	if i%2 == 0 {
		a.CustomerID = commerce.NewID[commerce.CustomerID]()
	} else {
		a.SessionID = fmt.Sprintf("cart_%d", i)
	}
	return a
}

// scanAll returns what log holds after pos, and the new position.
func scanAll(t *testing.T, log recommend.Log, pos string) ([]recommend.Activity, string) {
	t.Helper()
	var got []recommend.Activity
	next, err := log.Scan(context.Background(), pos, func(a recommend.Activity) error {
		got = append(got, a)
		return nil
	})
	require.NoError(t, err)
	return got, next
}

func assertSame(t *testing.T, want, got []recommend.Activity) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].ID, got[i].ID)
		assert.Equal(t, want[i].Kind, got[i].Kind)
		assert.Equal(t, want[i].ProductID, got[i].ProductID)
		assert.Equal(t, want[i].SessionID, got[i].SessionID)
		assert.Equal(t, want[i].CustomerID, got[i].CustomerID)
		assert.True(t, want[i].At.Equal(got[i].At), "at: want %s, got %s", want[i].At, got[i].At)
	}
}

func testAppendScan(t *testing.T, log recommend.Log) {
	ctx := context.Background()
	got, pos := scanAll(t, log, "")
	assert.Empty(t, got, "a new log is empty")
	assert.Equal(t, "", pos, "scanning nothing keeps the position")

	first := []recommend.Activity{activity(1, recommend.Viewed), activity(2, recommend.AddedToCart), activity(3, recommend.Purchased)}
	require.NoError(t, log.Append(ctx, first...))
	got, pos = scanAll(t, log, "")
	assertSame(t, first, got)
	require.NotEmpty(t, pos)

	again, same := scanAll(t, log, pos)
	assert.Empty(t, again, "nothing follows the last position")
	assert.Equal(t, pos, same)

	second := []recommend.Activity{activity(4, recommend.Viewed), activity(5, recommend.Purchased)}
	require.NoError(t, log.Append(ctx, second...))
	got, _ = scanAll(t, log, pos)
	assertSame(t, second, got)

	_, err := log.Scan(ctx, "not a position", func(recommend.Activity) error { return nil })
	assert.ErrorIs(t, err, commerce.ErrInvalidArgument)
}

func testIdempotent(t *testing.T, log recommend.Log) {
	ctx := context.Background()
	a, b := activity(1, recommend.Viewed), activity(2, recommend.Purchased)
	require.NoError(t, log.Append(ctx, a, a, b))
	require.NoError(t, log.Append(ctx, b))
	dup := a
	dup.Kind = recommend.Purchased // same ID, other content: still a repeat
	require.NoError(t, log.Append(ctx, dup))
	got, _ := scanAll(t, log, "")
	assertSame(t, []recommend.Activity{a, b}, got)
}

func testInvalid(t *testing.T, log recommend.Log) {
	ctx := context.Background()
	good := activity(1, recommend.Viewed)
	bad := []func(*recommend.Activity){
		func(a *recommend.Activity) { a.ID = "" },
		func(a *recommend.Activity) { a.Kind = "liked" },
		func(a *recommend.Activity) { a.ProductID = "prod_nope" },
		func(a *recommend.Activity) { a.SessionID, a.CustomerID = "", "" },
		func(a *recommend.Activity) { a.At = time.Time{} },
	}
	for i, spoil := range bad {
		b := activity(10+i, recommend.Viewed)
		spoil(&b)
		err := log.Append(ctx, good, b)
		assert.ErrorIs(t, err, commerce.ErrInvalidArgument, "case %d", i)
	}
	got, _ := scanAll(t, log, "")
	assert.Empty(t, got, "a call with an invalid activity appends nothing")
}

func testStop(t *testing.T, log recommend.Log) {
	ctx := context.Background()
	var all []recommend.Activity
	for i := range 5 {
		all = append(all, activity(i, recommend.Viewed))
	}
	require.NoError(t, log.Append(ctx, all...))
	stop := fmt.Errorf("enough")
	var seen []recommend.Activity
	pos, err := log.Scan(ctx, "", func(a recommend.Activity) error {
		if len(seen) == 2 {
			return stop
		}
		seen = append(seen, a)
		return nil
	})
	require.ErrorIs(t, err, stop)
	assertSame(t, all[:2], seen)
	rest, _ := scanAll(t, log, pos)
	assertSame(t, all[2:], rest)
}

func testPrune(t *testing.T, log recommend.Log) {
	ctx := context.Background()
	old := []recommend.Activity{activity(1, recommend.Viewed), activity(2, recommend.Viewed)}
	require.NoError(t, log.Append(ctx, old...))
	cut := time.Now()
	waitPast(cut.Add(5 * time.Millisecond))
	fresh := []recommend.Activity{activity(3, recommend.Purchased)}
	require.NoError(t, log.Append(ctx, fresh...))

	n, err := log.Prune(ctx, cut.Add(2*time.Millisecond))
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
	got, _ := scanAll(t, log, "")
	assertSame(t, fresh, got)

	n, err = log.Prune(ctx, cut)
	require.NoError(t, err)
	assert.Zero(t, n, "pruning nothing")
}

// waitPast returns once the wall clock is past t: the log stamps entries
// with its own clock, so the suite needs real time to pass between
// appends (a few milliseconds, polled).
func waitPast(t time.Time) {
	for !time.Now().After(t) {
		time.Sleep(time.Millisecond)
	}
}

func testConcurrent(t *testing.T, log recommend.Log) {
	const writers, each = 8, 25
	ctx := context.Background()
	shared := activity(-1, recommend.Purchased)
	start := make(chan struct{})
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			<-start
			for i := range each {
				a := activity(1000+w*each+i, recommend.Viewed)
				if err := log.Append(ctx, a, shared); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	got, _ := scanAll(t, log, "")
	assert.Len(t, got, writers*each+1, "every activity once, the shared one once")
	ids := map[string]bool{}
	for _, a := range got {
		assert.False(t, ids[a.ID], "%s twice", a.ID)
		ids[a.ID] = true
	}
}
