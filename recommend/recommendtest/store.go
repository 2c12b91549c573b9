package recommendtest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/recommend"
)

// NewStore returns an empty serving store for one test.
type NewStore func(t *testing.T) recommend.Store

// RunStore runs the conformance suite of recommend.Store against the
// stores newStore returns.
func RunStore(t *testing.T, newStore NewStore) {
	t.Run("Empty", func(t *testing.T) { testEmpty(t, newStore(t)) })
	t.Run("CommitPublishes", func(t *testing.T) { testCommit(t, newStore(t)) })
	t.Run("RunReplacesRun", func(t *testing.T) { testReplace(t, newStore(t)) })
	t.Run("FinishedWriter", func(t *testing.T) { testFinished(t, newStore(t)) })
	t.Run("ReaderNeverSeesAMix", func(t *testing.T) { testSwapRace(t, newStore(t)) })
}

var (
	itemKey    = recommend.ListKey{Kind: recommend.ItemList, ID: "prod_01J0000000000000000000000A"}
	otherKey   = recommend.ListKey{Kind: recommend.CustomerList, ID: "cus_01J0000000000000000000000B"}
	popularKey = recommend.ListKey{Kind: recommend.PopularList}
)

// products returns n new product IDs, scored n..1.
func products(n int) []recommend.Scored {
	out := make([]recommend.Scored, n)
	for i := range out {
		out[i] = recommend.Scored{ProductID: commerce.NewID[commerce.ProductID](), Score: float64(n - i)}
	}
	return out
}

func list(t *testing.T, s recommend.Store, key recommend.ListKey, n int) []recommend.Scored {
	t.Helper()
	got, err := s.List(context.Background(), key, n)
	require.NoError(t, err)
	return got
}

func testEmpty(t *testing.T, s recommend.Store) {
	assert.Empty(t, list(t, s, itemKey, 10), "no run: an empty list")
	info, err := s.Current(context.Background())
	require.NoError(t, err)
	assert.Empty(t, info.ID)
	_, err = s.List(context.Background(), itemKey, 0)
	assert.ErrorIs(t, err, commerce.ErrInvalidArgument)
}

func testCommit(t *testing.T, s recommend.Store) {
	ctx := context.Background()
	w, err := s.Begin(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, w.ID())
	items := products(5)
	tie := recommend.Scored{ProductID: commerce.NewID[commerce.ProductID](), Score: items[2].Score}
	shuffled := []recommend.Scored{items[3], tie, items[0], items[4], items[2], items[1]}
	require.NoError(t, w.Put(ctx, itemKey, shuffled))
	require.NoError(t, w.Put(ctx, popularKey, items[:2]))
	assert.Empty(t, list(t, s, itemKey, 10), "a run is invisible before Commit")

	require.NoError(t, w.Commit(ctx))
	info, err := s.Current(ctx)
	require.NoError(t, err)
	assert.Equal(t, w.ID(), info.ID)
	assert.False(t, info.CommittedAt.IsZero())

	want := []recommend.Scored{items[0], items[1], items[2], tie, items[3], items[4]}
	if tie.ProductID < items[2].ProductID {
		want[2], want[3] = tie, items[2]
	}
	assert.Equal(t, want, list(t, s, itemKey, 10), "best first, equal scores by product ID")
	assert.Equal(t, want[:3], list(t, s, itemKey, 3))
	assert.Equal(t, items[:2], list(t, s, popularKey, 10))
	assert.Empty(t, list(t, s, otherKey, 10), "a list the run lacks is empty")
}

func testReplace(t *testing.T, s recommend.Store) {
	ctx := context.Background()
	first, second := products(3), products(4)
	w1, err := s.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, w1.Put(ctx, itemKey, first))
	require.NoError(t, w1.Put(ctx, otherKey, first))
	require.NoError(t, w1.Commit(ctx))

	w2, err := s.Begin(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, w1.ID(), w2.ID())
	require.NoError(t, w2.Put(ctx, itemKey, first[:1]))
	require.NoError(t, w2.Put(ctx, itemKey, second)) // the second Put replaces the first
	assert.Equal(t, first, list(t, s, itemKey, 10), "the old run serves until the new one commits")
	require.NoError(t, w2.Commit(ctx))
	assert.Equal(t, second, list(t, s, itemKey, 10))
	assert.Empty(t, list(t, s, otherKey, 10), "a list of the old run only is gone with it")

	w3, err := s.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, w3.Put(ctx, itemKey, products(2)))
	require.NoError(t, w3.Abort(ctx))
	assert.Equal(t, second, list(t, s, itemKey, 10), "an aborted run changes nothing")
	info, err := s.Current(ctx)
	require.NoError(t, err)
	assert.Equal(t, w2.ID(), info.ID)
}

func testFinished(t *testing.T, s recommend.Store) {
	ctx := context.Background()
	w, err := s.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, w.Commit(ctx))
	assert.ErrorIs(t, w.Put(ctx, itemKey, products(1)), commerce.ErrFailedPrecondition)
	assert.ErrorIs(t, w.Commit(ctx), commerce.ErrFailedPrecondition)
	assert.NoError(t, w.Abort(ctx), "Abort after Commit does nothing")
	a, err := s.Begin(ctx)
	require.NoError(t, err)
	require.NoError(t, a.Abort(ctx))
	assert.ErrorIs(t, a.Put(ctx, itemKey, products(1)), commerce.ErrFailedPrecondition)
}

// testSwapRace commits runs while readers read: every list a reader gets
// is one run's list, whole. Each run's products are its own, so a list
// with products of two runs, or a short one, is a mix.
func testSwapRace(t *testing.T, s recommend.Store) {
	const runs, size, readers = 30, 20, 4
	ctx := context.Background()
	var runOf sync.Map // product ID -> run number
	first := products(size)
	commitRun := func(r int, items []recommend.Scored) error {
		for _, it := range items {
			runOf.Store(it.ProductID, r)
		}
		w, err := s.Begin(ctx)
		if err != nil {
			return err
		}
		for _, key := range []recommend.ListKey{itemKey, otherKey, popularKey} {
			if err := w.Put(ctx, key, items); err != nil {
				return err
			}
		}
		return w.Commit(ctx)
	}
	require.NoError(t, commitRun(0, first))

	var done atomic.Bool
	var reads atomic.Int64
	errs := make(chan error, readers+1)
	var wg sync.WaitGroup
	for range readers {
		wg.Go(func() {
			for !done.Load() {
				got, err := s.List(ctx, itemKey, size)
				if err != nil {
					errs <- err
					return
				}
				reads.Add(1)
				if len(got) != size {
					errs <- fmt.Errorf("read %d items of a %d-item list", len(got), size)
					return
				}
				r0, _ := runOf.Load(got[0].ProductID)
				for _, it := range got {
					r, _ := runOf.Load(it.ProductID)
					if r != r0 {
						errs <- fmt.Errorf("one list mixes runs %v and %v", r0, r)
						return
					}
				}
			}
		})
	}
	// Each run is committed once the readers have read since the last,
	// so reads and swaps interleave however fast the store is.
	readSince := func(n int64) bool {
		deadline := time.Now().Add(10 * time.Second)
		for reads.Load() < n {
			if time.Now().After(deadline) {
				return false
			}
			runtime.Gosched()
		}
		return true
	}
	for r := 1; r <= runs; r++ {
		if !readSince(int64(r)) {
			errs <- fmt.Errorf("the readers read nothing before run %d", r)
			break
		}
		if err := commitRun(r, products(size)); err != nil {
			errs <- err
			break
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Positive(t, reads.Load())
}
