package search

import (
	"context"
	"sync"
)

// batchWriter writes the Indexer's refreshes to its Index, folding the
// batches that arrive while one write is under way into the next write.
// A flood of events (a catalog imported, or a cold start relaying every
// product and review) then costs a few large writes instead of one per
// event: each write makes a new segment in an index such as bleve's, and
// thousands of small segments take far more memory and merging than a
// few large ones. A caller returns once its own batch is written, so a
// handler still acknowledges its event only after the index has it.
//
// The batches folded together are never of the same product: a refresh
// holds its product's lock until its write is done.
type batchWriter struct {
	index Index

	mu      sync.Mutex
	writing bool
	queue   []*queuedBatch
}

// queuedBatch is a caller's batch waiting to be written, with the
// caller's context: done receives the outcome, or lead tells the caller
// to write the queue itself.
type queuedBatch struct {
	ctx  context.Context
	b    Batch
	done chan error
	lead chan struct{}
}

// write writes b together with whatever else is queued, and returns once
// b is written.
func (w *batchWriter) write(ctx context.Context, b Batch) error {
	me := &queuedBatch{ctx: ctx, b: b, done: make(chan error, 1), lead: make(chan struct{}, 1)}
	w.mu.Lock()
	w.queue = append(w.queue, me)
	if w.writing {
		w.mu.Unlock()
		// No giving up on ctx here: the writer may hand this caller the
		// lead at any moment, and a write takes as long as one write.
		select {
		case err := <-me.done:
			return err
		case <-me.lead:
			w.mu.Lock()
		}
	}
	w.writing = true
	queued := w.queue
	w.queue = nil
	w.mu.Unlock()

	w.writeAll(queued)

	w.mu.Lock()
	if len(w.queue) > 0 {
		// The first of those who arrived meanwhile writes next.
		w.queue[0].lead <- struct{}{}
	} else {
		w.writing = false
	}
	w.mu.Unlock()
	return <-me.done
}

// writeAll writes the queued batches as one and hands each caller, the
// writing one included, its outcome. When the combined write fails, each
// batch is written alone, under its own caller's context, so that one bad
// batch (or one caller gone) fails only its own caller. The combined
// write carries the writing caller's context values but not its
// cancellation: the others' batches are in it too.
func (w *batchWriter) writeAll(queued []*queuedBatch) {
	errs := make([]error, len(queued))
	if len(queued) == 1 {
		errs[0] = w.index.Batch(queued[0].ctx, queued[0].b)
	} else {
		all := Batch{SkipUnchanged: true}
		for _, q := range queued {
			all.SkipUnchanged = all.SkipUnchanged && q.b.SkipUnchanged
			all.Products = append(all.Products, q.b.Products...)
			all.DeleteProducts = append(all.DeleteProducts, q.b.DeleteProducts...)
			all.Reviews = append(all.Reviews, q.b.Reviews...)
			all.DeleteReviewsOf = append(all.DeleteReviewsOf, q.b.DeleteReviewsOf...)
		}
		if err := w.index.Batch(context.WithoutCancel(queued[0].ctx), all); err != nil {
			for i, q := range queued {
				errs[i] = w.index.Batch(q.ctx, q.b)
			}
		}
	}
	for i, q := range queued {
		q.done <- errs[i]
	}
}
