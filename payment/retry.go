package payment

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/retry"
)

// call runs one provider operation with the service's retry policy:
// transient failures are repeated with exponential backoff and the same
// idempotency key (op must reuse it); an unknown outcome first asks lookup
// what the provider knows, and adopts it when settled reports true, before
// any repeat. Permanent failures (commerce.IsPermanent: declines and
// invalid requests) return at once. lookup may be nil for operations that
// cannot be looked up; they are repeated with the same key, which the
// provider deduplicates.
func call[R any](ctx context.Context, s *Service, op func() (R, error), lookup func() (R, bool, error)) (R, error) {
	return retry.Do(ctx, s.retryPolicy(), s.opts.Sleep, func(int) (R, error) {
		res, err := op()
		if err != nil && !commerce.IsPermanent(err) && KindOf(err) == KindUnknown && lookup != nil {
			if found, settled, lerr := lookup(); lerr == nil && settled {
				return found, nil
			}
		}
		return res, err
	}, nil)
}

// retryPolicy is the backoff between repeats of one provider call:
// BackoffBase doubling up to BackoffMax, ProviderRetries repeats.
func (s *Service) retryPolicy() retry.Policy {
	return retry.Policy{MaxAttempts: s.opts.ProviderRetries + 1, Initial: s.opts.BackoffBase, Max: s.opts.BackoffMax, Multiplier: 2}
}
