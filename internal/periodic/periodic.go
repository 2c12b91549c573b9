// Package periodic runs the background passes of the services — the
// inventory's reservation sweeper, the customer purger, order recovery —
// on one ticker loop.
package periodic

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Run calls pass every interval until ctx ends, then returns nil. A pass
// reports its own results and failures: the next tick simply runs it
// again. A non-positive interval is InvalidArgument, its message starting
// with what ("inventory: sweeper").
func Run(ctx context.Context, what string, interval time.Duration, pass func(context.Context)) error {
	if interval <= 0 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "%s interval %s must be positive", what, interval)
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		pass(ctx)
	}
}
