package recommend

import (
	"context"
	"time"
)

// Log is the durable activity log the Collector appends to and the Batch
// reads. It keeps activity in append order; each entry has a position,
// an opaque cursor string that increases with it, so a Batch that
// remembers where it stopped reads only what came after.
//
// Implementations are safe for concurrent use.
type Log interface {
	// Append adds activities, in order. It is idempotent by Activity.ID:
	// an ID the log already holds (and has not pruned) is skipped, so a
	// redelivered event is logged once. An invalid activity is
	// InvalidArgument and nothing of the call is appended.
	Append(ctx context.Context, acts ...Activity) error
	// Scan calls fn on each activity appended after the position after
	// ("" for the start of the log), in append order, and returns the
	// position of the last activity it passed to fn (after itself when
	// there was none). An error from fn stops the scan: Scan returns it
	// with the position of the last activity fn accepted. Activity
	// appended while Scan runs may or may not be seen. A malformed
	// position is InvalidArgument.
	Scan(ctx context.Context, after string, fn func(Activity) error) (string, error)
	// Prune removes the activity appended before t (by the log's clock:
	// the server's, for a remote log) and returns how many entries it
	// removed. Pruning nothing is not an error.
	Prune(ctx context.Context, before time.Time) (int64, error)
}
