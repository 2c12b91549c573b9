package inflight_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/inflight"
)

func TestDuplicatesShareTheFirstCall(t *testing.T) {
	// synctest.Wait below returns once every waiter is blocked in Do.
	synctest.Test(t, testDuplicatesShareTheFirstCall)
}

func testDuplicatesShareTheFirstCall(t *testing.T) {
	var g inflight.Group[int]
	release := make(chan struct{})
	started := make(chan struct{})
	var runs atomic.Int32
	first := make(chan int, 1)
	go func() {
		v, err, shared := g.Do(context.Background(), "k", func() (int, error) {
			runs.Add(1)
			close(started)
			<-release
			return 42, nil
		})
		assert.NoError(t, err)
		assert.False(t, shared)
		first <- v
	}()
	<-started
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err, shared := g.Do(context.Background(), "k", func() (int, error) {
				runs.Add(1)
				return 0, errors.New("must not run")
			})
			assert.NoError(t, err)
			assert.Equal(t, 42, v)
			assert.True(t, shared)
		}()
	}
	// Another key does not wait.
	v, _, shared := g.Do(context.Background(), "other", func() (int, error) { return 7, nil })
	assert.Equal(t, 7, v)
	assert.False(t, shared)

	synctest.Wait()
	close(release)
	wg.Wait()
	assert.Equal(t, 42, <-first)
	assert.Equal(t, int32(1), runs.Load())

	// Once done, the key runs again.
	v, _, shared = g.Do(context.Background(), "k", func() (int, error) { return 9, nil })
	assert.Equal(t, 9, v)
	assert.False(t, shared)
}

func TestWaiterGivesUpWithItsContext(t *testing.T) {
	var g inflight.Group[string]
	release, started := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _, _ = g.Do(context.Background(), "k", func() (string, error) {
			close(started)
			<-release
			return "late", nil
		})
	}()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err, shared := g.Do(ctx, "k", func() (string, error) { return "", nil })
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, shared)
	close(release)
	<-done
}

// The call that runs fn returns only once fn has returned, even when its
// own context ends first: the work it started is over when it hears back.
func TestLeaderWaitsForItsWorkWhateverItsContext(t *testing.T) {
	var g inflight.Group[string]
	ctx, cancel := context.WithCancel(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	done := make(chan error, 1)
	go func() {
		v, err, shared := g.Do(ctx, "k", func() (string, error) {
			close(started)
			<-release
			finished.Store(true)
			return "done", nil
		})
		if v != "done" || err != nil || shared {
			done <- errors.New("leader got another call's result")
			return
		}
		if !finished.Load() {
			done <- errors.New("leader returned before its work finished")
			return
		}
		done <- nil
	}()
	<-started
	cancel()
	select {
	case <-done:
		t.Fatal("the leader returned while fn was still running")
	default:
	}
	close(release)
	require.NoError(t, <-done)
}

// A panic in fn reaches the caller that ran it; waiters get an error, and
// the key is free for the next call.
func TestPanicReachesTheLeader(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var g inflight.Group[int]
		started, release := make(chan struct{}), make(chan struct{})
		recovered := make(chan any, 1)
		go func() {
			defer func() { recovered <- recover() }()
			_, _, _ = g.Do(context.Background(), "k", func() (int, error) {
				close(started)
				<-release
				panic("boom")
			})
		}()
		<-started
		waiter := make(chan error, 1)
		go func() {
			_, err, shared := g.Do(context.Background(), "k", func() (int, error) { return 0, errors.New("must not run") })
			if !shared {
				err = errors.New("waiter ran fn")
			}
			waiter <- err
		}()
		synctest.Wait()
		close(release)
		assert.Equal(t, "boom", <-recovered)
		assert.Equal(t, commerce.CodeInternal, commerce.Code(<-waiter))

		v, err, shared := g.Do(context.Background(), "k", func() (int, error) { return 3, nil })
		assert.Equal(t, 3, v)
		assert.NoError(t, err)
		assert.False(t, shared)
	})
}
