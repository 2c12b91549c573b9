package payment

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/inflight"
)

// Defaults of [Options].
const (
	DefaultMaxRetries      = 3
	DefaultProviderRetries = 4
	DefaultBackoffBase     = 100 * time.Millisecond
	DefaultBackoffMax      = 5 * time.Second
	DefaultInFlightWait    = 10 * time.Second
	DefaultInFlightPoll    = 20 * time.Millisecond
	DefaultStaleAfter      = 2 * time.Minute
)

// maxKeyLen bounds idempotency keys, leaving room for the suffixes the
// service adds before sending them to a provider (Stripe allows 255).
const maxKeyLen = 200

// Failure codes the service itself records (provider codes pass through).
const (
	// FailureProviderUnavailable: the provider kept failing transiently;
	// nothing was charged and the payment may be retried.
	FailureProviderUnavailable = "provider_unavailable"
	// FailureCancelled: the provider cancelled the attempt before it was
	// authorized.
	FailureCancelled = "canceled"
)

// Options configures a [Service]. A nil *Options, or a zero field, means
// the documented default.
type Options struct {
	// Clock stamps payments and events. Default commerce.SystemClock.
	Clock commerce.Clock
	// Logger receives what the service ignores or compensates (unknown
	// webhook references, voided late authorizations). Default slog.Default().
	Logger *slog.Logger
	// MaxRetries is how many times a failed payment may be retried before
	// Failed is final. 0 means DefaultMaxRetries (3); a negative value
	// allows no retry.
	MaxRetries int
	// ProviderRetries is how many times one provider call is repeated after
	// a transient failure or an unknown outcome. 0 means
	// DefaultProviderRetries; negative means none.
	ProviderRetries int
	// BackoffBase and BackoffMax shape the exponential backoff between
	// provider retries: base, 2*base, 4*base... capped at max.
	BackoffBase time.Duration
	BackoffMax  time.Duration
	// Sleep waits between provider retries; tests replace it so they never
	// sleep. It returns ctx's error when ctx ends first. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// InFlightWait bounds how long a duplicate Authorize waits for the
	// call that holds its idempotency key in another process, polling
	// every InFlightPoll. Duplicates in this process wait for the first
	// call directly.
	InFlightWait time.Duration
	InFlightPoll time.Duration
	// StaleAfter is how long an authorization may stay in flight before a
	// duplicate Authorize or Reconcile resumes it (looks it up at the
	// provider and finishes it with the same provider idempotency key).
	StaleAfter time.Duration
	// IDs mints the IDs of new payments and refunds. Default
	// commerce.NewID. A host whose store is sharded sets it so that an
	// ID says where its record lives (see IDMinter).
	IDs IDMinter
}

// IDMinter mints the IDs of new payments and refunds. Each method is
// told the record the new one belongs to, so a sharded store can mint an
// ID that carries its owner's shard. Implementations are safe for
// concurrent use and return well-formed, unique IDs.
type IDMinter interface {
	NewPaymentID(order commerce.OrderID) commerce.PaymentID
	NewRefundID(payment commerce.PaymentID) commerce.RefundID
}

// randomIDs is the default IDMinter: commerce.NewID.
type randomIDs struct{}

func (randomIDs) NewPaymentID(commerce.OrderID) commerce.PaymentID {
	return commerce.NewID[commerce.PaymentID]()
}

func (randomIDs) NewRefundID(commerce.PaymentID) commerce.RefundID {
	return commerce.NewID[commerce.RefundID]()
}

// Service carries every payment rule over a [Store] and a [Provider]. It is
// safe for concurrent use.
type Service struct {
	store    Store
	provider Provider
	clock    commerce.Clock
	log      *slog.Logger
	opts     Options

	// inflight makes duplicate Authorize calls in this process wait for
	// the first with their key.
	inflight inflight.Group[Payment]
}

// NewService returns a Service over store and provider, both required.
func NewService(store Store, provider Provider, opts *Options) (*Service, error) {
	if store == nil || provider == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment: NewService needs a store and a provider")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BackoffBase < 0 || o.BackoffMax < 0 || o.InFlightWait < 0 || o.InFlightPoll < 0 || o.StaleAfter < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment: options: durations must not be negative")
	}
	if o.Clock == nil {
		o.Clock = commerce.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.IDs == nil {
		o.IDs = randomIDs{}
	}
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	switch {
	case o.ProviderRetries == 0:
		o.ProviderRetries = DefaultProviderRetries
	case o.ProviderRetries < 0:
		o.ProviderRetries = 0
	}
	if o.BackoffBase == 0 {
		o.BackoffBase = DefaultBackoffBase
	}
	if o.BackoffMax == 0 {
		o.BackoffMax = DefaultBackoffMax
	}
	if o.BackoffMax < o.BackoffBase {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment: options: BackoffMax %v is below BackoffBase %v", o.BackoffMax, o.BackoffBase)
	}
	if o.Sleep == nil {
		o.Sleep = commerce.Sleep
	}
	if o.InFlightWait == 0 {
		o.InFlightWait = DefaultInFlightWait
	}
	if o.InFlightPoll == 0 {
		o.InFlightPoll = DefaultInFlightPoll
	}
	if o.StaleAfter == 0 {
		o.StaleAfter = DefaultStaleAfter
	}
	return &Service{
		store: store, provider: provider, clock: o.Clock, log: o.Logger, opts: o,
	}, nil
}

// Provider returns the provider the service charges through.
func (s *Service) Provider() Provider { return s.provider }

// Get returns the payment with id.
func (s *Service) Get(ctx context.Context, id commerce.PaymentID) (Payment, error) {
	if err := id.Validate(); err != nil {
		return Payment{}, commerce.Errorf(commerce.CodeInvalidArgument, "payment: id: %w", err)
	}
	return s.store.Get(ctx, id)
}

// GetByOrder returns the payments of an order, oldest first.
func (s *Service) GetByOrder(ctx context.Context, orderID commerce.OrderID) ([]Payment, error) {
	if err := orderID.Validate(); err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment: order id: %w", err)
	}
	return s.store.ListByOrder(ctx, orderID)
}

// GetByIdempotencyKey returns the payment created with key.
func (s *Service) GetByIdempotencyKey(ctx context.Context, key string) (Payment, error) {
	if err := validateKey(key); err != nil {
		return Payment{}, err
	}
	return s.store.GetByIdempotencyKey(ctx, key)
}

// Refunds returns a payment's refunds, oldest first.
func (s *Service) Refunds(ctx context.Context, id commerce.PaymentID) ([]Refund, error) {
	if err := id.Validate(); err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "payment: id: %w", err)
	}
	if _, err := s.store.Get(ctx, id); err != nil {
		return nil, err
	}
	return s.store.ListRefunds(ctx, id)
}

// GetRefund returns the refund with id.
func (s *Service) GetRefund(ctx context.Context, id commerce.RefundID) (Refund, error) {
	if err := id.Validate(); err != nil {
		return Refund{}, commerce.Errorf(commerce.CodeInvalidArgument, "payment: refund id: %w", err)
	}
	return s.store.GetRefund(ctx, id)
}

func validateKey(key string) error {
	if key == "" {
		return commerce.Errorf(commerce.CodeInvalidArgument, "payment: an idempotency key is required")
	}
	if len(key) > maxKeyLen {
		return commerce.Errorf(commerce.CodeInvalidArgument, "payment: idempotency key is %d bytes, at most %d allowed", len(key), maxKeyLen)
	}
	for _, r := range key {
		if r < 0x21 || r > 0x7e {
			return commerce.Errorf(commerce.CodeInvalidArgument, "payment: idempotency key must be printable ASCII without spaces")
		}
	}
	return nil
}

// providerKey derives the idempotency key of one provider operation from
// the payment's key, so retries of one operation share a key and distinct
// operations (or attempts) never do.
func providerKey(p Payment, op string) string {
	return p.IdempotencyKey + "/" + op + "/" + strconv.Itoa(p.Attempts)
}

func (s *Service) envelope(p Payment, ev commerce.Event) commerce.Envelope {
	return commerce.NewEnvelope(p.ID.String(), s.clock.Now(), ev)
}
