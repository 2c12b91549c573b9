package commerce_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

var (
	_ commerce.Clock = commerce.SystemClock{}
	_ commerce.Clock = (*commerce.TestClock)(nil)
)

func TestSystemClock(t *testing.T) {
	before := time.Now()
	now := commerce.SystemClock{}.Now()
	after := time.Now()

	assert.Equal(t, time.UTC, now.Location())
	assert.False(t, now.Before(before))
	assert.False(t, now.After(after))
}

func TestTestClock(t *testing.T) {
	start := time.Date(2025, 3, 30, 1, 30, 0, 0, time.FixedZone("CET", 3600))
	c := commerce.NewTestClock(start)

	require.True(t, c.Now().Equal(start))
	assert.Equal(t, time.UTC, c.Now().Location(), "TestClock reports UTC like SystemClock")
	assert.Equal(t, c.Now(), c.Now(), "time stands still until moved")

	c.Advance(90 * time.Minute)
	assert.Equal(t, start.Add(90*time.Minute).UTC(), c.Now())

	c.Advance(-time.Hour)
	assert.Equal(t, start.Add(30*time.Minute).UTC(), c.Now())

	later := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Set(later)
	assert.Equal(t, later, c.Now())

	c.Set(start)
	assert.Equal(t, start.UTC(), c.Now(), "Set may move backwards")
}

func TestTestClockConcurrent(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	c := commerce.NewTestClock(start)

	const goroutines, steps = 8, 1000
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range steps {
				c.Advance(time.Second)
				_ = c.Now()
			}
		})
	}
	wg.Wait()

	assert.Equal(t, start.Add(goroutines*steps*time.Second), c.Now(), "no Advance was lost")
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := commerce.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context = %v, want context.Canceled", err)
	}
	if err := commerce.Sleep(context.Background(), 0); err != nil {
		t.Fatalf("Sleep(0) = %v, want nil", err)
	}
}
