package main

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// forEach visits every index once, and stops at the first error.
func TestForEach(t *testing.T) {
	ctx := context.Background()
	visits := make([]atomic.Int32, 100)
	require.NoError(t, forEach(ctx, len(visits), 8, func(_ context.Context, i int) error {
		visits[i].Add(1)
		return nil
	}))
	for i := range visits {
		require.EqualValues(t, 1, visits[i].Load(), "index %d", i)
	}

	failed := errors.New("refused")
	var after atomic.Int32
	err := forEach(ctx, 1000, 4, func(ctx context.Context, i int) error {
		if i == 10 {
			return failed
		}
		if i > 10 && ctx.Err() == nil {
			after.Add(1)
		}
		return nil
	})
	require.ErrorIs(t, err, failed)
	require.Less(t, int(after.Load()), 990, "the workers stop after the first error")
	require.NoError(t, forEach(ctx, 0, 8, func(context.Context, int) error { return failed }), "nothing to visit")
}
