package promotion

import (
	"log/slog"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of Options.
const (
	DefaultTTL = 15 * time.Minute
	// DefaultSweepBatch is how many expired redemptions or gift-card
	// payments one ReleaseExpired pass releases at most, of each.
	DefaultSweepBatch = 100
)

// Options configures a Service. A nil *Options, or a zero field, takes the
// documented default.
type Options struct {
	// Clock tells the time of date windows, expiries and records.
	// Default commerce.SystemClock{}.
	Clock commerce.Clock
	// Products answers category and brand conditions. Without it a
	// promotion with such conditions never applies (its codes are
	// rejected with ReasonConditions).
	Products Products
	// DefaultTTL is the lifetime of a redemption or gift-card hold made
	// with TTL 0. Default DefaultTTL (15 minutes). Must not be negative.
	DefaultTTL time.Duration
	// SweepBatch bounds one ReleaseExpired pass. Default
	// DefaultSweepBatch.
	SweepBatch int
	// Logger receives the sweeper's failures. Default slog.Default().
	Logger *slog.Logger
}

// Service carries every promotion and gift-card rule over a Store. It is
// safe for concurrent use; its consistency under concurrency is the
// store's locks'.
type Service struct {
	store Store
	opts  Options
}

// NewService returns a Service over store. A nil opts takes the defaults
// documented on Options; an invalid one is InvalidArgument.
func NewService(store Store, opts *Options) (*Service, error) {
	if store == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "promotion: NewService needs a store")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	return &Service{store: store, opts: o}, nil
}

func (o *Options) resolved() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Clock == nil {
		r.Clock = commerce.SystemClock{}
	}
	switch {
	case r.DefaultTTL < 0:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "promotion: default TTL %s must not be negative", r.DefaultTTL).WithDetail("field", "default_ttl")
	case r.DefaultTTL == 0:
		r.DefaultTTL = DefaultTTL
	}
	switch {
	case r.SweepBatch < 0:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "promotion: sweep batch %d must not be negative", r.SweepBatch).WithDetail("field", "sweep_batch")
	case r.SweepBatch == 0:
		r.SweepBatch = DefaultSweepBatch
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}

// now is the service's time at the microsecond precision databases keep,
// so a record read back equals the one returned.
func (s *Service) now() time.Time { return s.opts.Clock.Now().UTC().Truncate(time.Microsecond) }
