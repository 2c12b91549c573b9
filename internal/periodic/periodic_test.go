package periodic_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/periodic"
)

func TestRunPassesEveryIntervalUntilCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		passes := 0
		done := make(chan error, 1)
		go func() {
			done <- periodic.Run(ctx, "test: pass", time.Minute, func(context.Context) { passes++ })
		}()
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		assert.Equal(t, 3, passes, "one pass a minute, none at start")
		cancel()
		require.NoError(t, <-done)
	})
}

func TestRunRefusesABadInterval(t *testing.T) {
	err := periodic.Run(context.Background(), "test: pass", 0, func(context.Context) { t.Fatal("ran") })
	require.Error(t, err)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	assert.Contains(t, err.Error(), "test: pass interval 0s must be positive")
}
