package customer

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/periodic"
)

// purgeBatch bounds each delete, so a purge never holds locks on a large
// table for long and other writes interleave with it.
const purgeBatch = 1000

// Purger is an optional Store capability: deleting the sessions and
// password resets that can never be used again. Without it they
// accumulate; both stores of this module implement it.
type Purger interface {
	// PurgeSessions deletes at most limit sessions that expired or were
	// revoked at or before before, and returns how many it deleted. A
	// deleted session's token stays rejected: an unknown session does not
	// authenticate.
	PurgeSessions(ctx context.Context, before time.Time, limit int) (int, error)
	// PurgePasswordResets deletes at most limit password resets that
	// expired or were used at or before before, and returns how many it
	// deleted.
	PurgePasswordResets(ctx context.Context, before time.Time, limit int) (int, error)
}

// Purged counts what one Purge deleted.
type Purged struct {
	Sessions       int
	PasswordResets int
}

// Purge deletes every session and password reset that expired, was
// revoked or was used by now, in batches. A store without the [Purger]
// capability is FailedPrecondition. Purge is safe to run from several
// processes at once.
func (s *Service) Purge(ctx context.Context) (Purged, error) {
	p, ok := s.store.(Purger)
	if !ok {
		return Purged{}, commerce.Errorf(commerce.CodeFailedPrecondition, "customer: the store %T cannot purge", s.store)
	}
	now := s.now()
	var out Purged
	var err error
	if out.Sessions, err = drain(ctx, now, p.PurgeSessions); err != nil {
		return out, err
	}
	out.PasswordResets, err = drain(ctx, now, p.PurgePasswordResets)
	return out, err
}

// drain calls purge until a batch comes back short.
func drain(ctx context.Context, before time.Time, purge func(context.Context, time.Time, int) (int, error)) (int, error) {
	total := 0
	for {
		n, err := purge(ctx, before, purgeBatch)
		total += n
		if err != nil || n < purgeBatch {
			return total, err
		}
	}
}

// RunPurger calls Purge every interval until ctx is done, logging failures
// and what it deleted. It returns nil when ctx ends.
func (s *Service) RunPurger(ctx context.Context, interval time.Duration) error {
	if _, ok := s.store.(Purger); !ok {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "customer: the store %T cannot purge", s.store)
	}
	return periodic.Run(ctx, "customer: purger", interval, func(ctx context.Context) {
		n, err := s.Purge(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.opts.Logger.ErrorContext(ctx, "customer: purge failed", "sessions", n.Sessions, "password_resets", n.PasswordResets, "err", err)
		case n.Sessions+n.PasswordResets > 0:
			s.opts.Logger.InfoContext(ctx, "customer: purged", "sessions", n.Sessions, "password_resets", n.PasswordResets)
		}
	})
}
