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
