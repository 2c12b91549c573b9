package inventory

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/internal/periodic"
)

// RunSweeper calls ReleaseExpired every interval until ctx ends, then
// returns nil. Failures are logged to Options.Logger and retried at the
// next tick. Run one per process or several: sweeps skip each other's
// reservations. A non-positive interval is InvalidArgument.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) error {
	return periodic.Run(ctx, "inventory: sweeper", interval, func(ctx context.Context) {
		n, err := s.ReleaseExpired(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.opts.Logger.ErrorContext(ctx, "inventory: releasing expired reservations failed", "released", n, "err", err)
		case n > 0:
			s.opts.Logger.InfoContext(ctx, "inventory: released expired reservations", "released", n)
		}
	})
}
