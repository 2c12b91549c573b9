package payment

import (
	"context"
	"time"
)

// call runs one provider operation with the service's retry policy:
// transient failures are repeated with exponential backoff and the same
// idempotency key (op must reuse it); an unknown outcome first asks lookup
// what the provider knows, and adopts it when settled reports true, before
// any repeat. Declines and invalid requests return at once. lookup may be
// nil for operations that cannot be looked up; they are repeated with the
// same key, which the provider deduplicates.
func call[R any](ctx context.Context, s *Service, op func() (R, error), lookup func() (R, bool, error)) (R, error) {
	for attempt := 0; ; attempt++ {
		res, err := op()
		if err == nil {
			return res, nil
		}
		switch KindOf(err) {
		case KindDeclined, KindInvalid:
			return res, err
		case KindUnknown:
			if lookup != nil {
				if found, settled, lerr := lookup(); lerr == nil && settled {
					return found, nil
				}
			}
		}
		if attempt >= s.opts.ProviderRetries || ctx.Err() != nil {
			return res, err
		}
		if serr := s.opts.Sleep(ctx, s.backoff(attempt)); serr != nil {
			return res, err
		}
	}
}

// backoff returns the wait before repeat n+1: base*2^n, capped.
func (s *Service) backoff(n int) time.Duration {
	d := s.opts.BackoffBase
	for i := 0; i < n && d < s.opts.BackoffMax; i++ {
		d *= 2
	}
	return min(d, s.opts.BackoffMax)
}
