package inventory

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// RunSweeper calls ReleaseExpired every interval until ctx ends, then
// returns nil. Failures are logged to Options.Logger and retried at the
// next tick. Run one per process or several: sweeps skip each other's
// reservations. A non-positive interval is InvalidArgument.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: sweeper interval %s must be positive", interval)
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
		n, err := s.ReleaseExpired(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.opts.Logger.ErrorContext(ctx, "inventory: releasing expired reservations failed", "released", n, "err", err)
		case n > 0:
			s.opts.Logger.InfoContext(ctx, "inventory: released expired reservations", "released", n)
		}
	}
}
