package search

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// indexPort lets recordingIndex embed the Index it does not implement.
type indexPort = Index

// recordingIndex records each Batch it is given. Its first Batch waits
// for release; a batch with a product named bad fails, and so does one
// given a context that is done.
type recordingIndex struct {
	indexPort
	release chan struct{}
	bad     commerce.ProductID

	mu      sync.Mutex
	batches []Batch
}

func (x *recordingIndex) Batch(ctx context.Context, b Batch) error {
	x.mu.Lock()
	first := len(x.batches) == 0
	x.batches = append(x.batches, b)
	x.mu.Unlock()
	if first && x.release != nil {
		<-x.release
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, d := range b.Products {
		if d.ProductID == x.bad {
			return errors.New("rejected")
		}
	}
	return nil
}

func (x *recordingIndex) written() []Batch {
	x.mu.Lock()
	defer x.mu.Unlock()
	return slices.Clone(x.batches)
}

func (w *batchWriter) queued() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.queue)
}

func docBatch(id string) Batch {
	return Batch{Products: []Document{{ProductID: commerce.ProductID(id)}}}
}

// TestBatchWriterFoldsWritesThatArriveDuringOne: the batches that arrive
// while a write is under way are written together in the next write,
// and every caller returns once its own batch is in.
func TestBatchWriterFoldsWritesThatArriveDuringOne(t *testing.T) {
	idx := &recordingIndex{release: make(chan struct{})}
	w := &batchWriter{index: idx}
	ctx := context.Background()
	errs := make(chan error, 10)
	go func() { errs <- w.write(ctx, docBatch("prd_first")) }()
	require.Eventually(t, func() bool { return len(idx.written()) == 1 }, 5*time.Second, time.Millisecond, "the first write under way")
	const later = 8
	for i := range later {
		go func() { errs <- w.write(ctx, docBatch("prd_"+string(rune('a'+i)))) }()
	}
	require.Eventually(t, func() bool { return w.queued() == later }, 5*time.Second, time.Millisecond, "the later writes queued behind it")
	select {
	case <-errs:
		t.Fatal("a write returned before its batch was written")
	default:
	}
	close(idx.release)
	for range 1 + later {
		select {
		case err := <-errs:
			require.NoError(t, err)
		case <-time.After(5 * time.Second):
			t.Fatal("a write never returned")
		}
	}
	got := idx.written()
	require.Len(t, got, 2, "the first write, then one for everything that arrived meanwhile")
	assert.Len(t, got[1].Products, later)
	assert.False(t, w.writing, "nobody writes once the queue is empty")
}

// TestBatchWriterFailsOnlyTheBadBatch: when the folded write fails, each
// batch is written alone, so only the caller of the bad one sees an
// error and the others' writes are not lost.
func TestBatchWriterFailsOnlyTheBadBatch(t *testing.T) {
	idx := &recordingIndex{release: make(chan struct{}), bad: "prd_bad"}
	w := &batchWriter{index: idx}
	ctx := context.Background()
	first := make(chan error, 1)
	go func() { first <- w.write(ctx, docBatch("prd_first")) }()
	require.Eventually(t, func() bool { return len(idx.written()) == 1 }, 5*time.Second, time.Millisecond)
	type outcome struct {
		id  string
		err error
	}
	outcomes := make(chan outcome, 3)
	for _, id := range []string{"prd_good1", "prd_bad", "prd_good2"} {
		go func() { outcomes <- outcome{id, w.write(ctx, docBatch(id))} }()
	}
	require.Eventually(t, func() bool { return w.queued() == 3 }, 5*time.Second, time.Millisecond)
	close(idx.release)
	require.NoError(t, <-first)
	for range 3 {
		o := <-outcomes
		if o.id == "prd_bad" {
			assert.Error(t, o.err, o.id)
		} else {
			assert.NoError(t, o.err, o.id)
		}
	}
	var alone []commerce.ProductID
	for _, b := range idx.written()[2:] {
		require.Len(t, b.Products, 1, "written alone after the folded write failed")
		alone = append(alone, b.Products[0].ProductID)
	}
	assert.ElementsMatch(t, []commerce.ProductID{"prd_good1", "prd_bad", "prd_good2"}, alone)
}

// TestBatchWriterFoldedWriteOutlivesTheWriter: the caller that writes a
// folded batch may have given up (its event's handling cancelled); the
// others' batches in it are still written, and each caller's outcome
// follows its own context.
func TestBatchWriterFoldedWriteOutlivesTheWriter(t *testing.T) {
	idx := &recordingIndex{release: make(chan struct{})}
	w := &batchWriter{index: idx}
	first := make(chan error, 1)
	go func() { first <- w.write(context.Background(), docBatch("prd_first")) }()
	require.Eventually(t, func() bool { return len(idx.written()) == 1 }, 5*time.Second, time.Millisecond)

	gone, cancel := context.WithCancel(context.Background())
	writer := make(chan error, 1)
	go func() { writer <- w.write(gone, docBatch("prd_writer")) }()
	require.Eventually(t, func() bool { return w.queued() == 1 }, 5*time.Second, time.Millisecond, "the next writer queued first")
	others := make(chan error, 3)
	for _, id := range []string{"prd_a", "prd_b", "prd_c"} {
		go func() { others <- w.write(context.Background(), docBatch(id)) }()
	}
	require.Eventually(t, func() bool { return w.queued() == 4 }, 5*time.Second, time.Millisecond)
	cancel()
	close(idx.release)

	require.NoError(t, <-first)
	for range 3 {
		select {
		case err := <-others:
			require.NoError(t, err, "a batch folded with a cancelled caller's")
		case <-time.After(5 * time.Second):
			t.Fatal("a write never returned")
		}
	}
	require.NoError(t, <-writer, "the folded write took the writer's batch too")
	got := idx.written()
	require.Len(t, got, 2, "the first write, then the folded one")
	assert.Len(t, got[1].Products, 4)
}
