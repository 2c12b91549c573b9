package cart

import (
	"context"
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Service carries every cart rule over a Store, pricing lines through a
// Pricer. It is safe for concurrent use; its consistency under concurrency
// is the store's atomic writes'.
type Service struct {
	store  Store
	pricer Pricer
	opts   Options
}

// NewService returns a Service over store, pricing with pricer (usually a
// *catalog.Service). A nil opts takes the defaults documented on Options;
// an invalid one is InvalidArgument.
func NewService(store Store, pricer Pricer, opts *Options) (*Service, error) {
	if store == nil || pricer == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "cart: NewService needs a store and a pricer")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	return &Service{store: store, pricer: pricer, opts: o}, nil
}

// now is the service's time, at the microsecond precision stores keep.
func (s *Service) now() time.Time { return s.opts.Clock.Now().UTC().Truncate(time.Microsecond) }

// CreateInput is what Create needs.
type CreateInput struct {
	// CustomerID owns the cart; empty for a guest cart.
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	// Currency of every line. Empty means Options.DefaultCurrency.
	Currency commerce.Currency `json:"currency,omitempty"`
}

// Create creates an empty active cart. A customer's new cart becomes the
// one ForCustomer returns; an earlier cart of theirs stays readable by ID
// until it expires. An unknown currency, or one outside
// Options.Currencies, is InvalidArgument (field "currency"); a malformed
// customer ID is InvalidArgument (field "customer_id").
func (s *Service) Create(ctx context.Context, in CreateInput) (Cart, error) {
	if !in.CustomerID.IsZero() {
		if err := validateCustomerID(in.CustomerID); err != nil {
			return Cart{}, err
		}
	}
	currency := in.Currency
	if currency == "" {
		currency = s.opts.DefaultCurrency
	}
	if !currency.Valid() {
		return Cart{}, invalid("currency", "unknown currency %q", truncate(string(currency)))
	}
	if len(s.opts.Currencies) > 0 && !slices.Contains(s.opts.Currencies, currency) {
		return Cart{}, invalid("currency", "currency %s is not accepted", currency).WithDetail("currencies", slices.Clone(s.opts.Currencies))
	}
	now := s.now()
	c := Cart{
		ID:         commerce.NewID[commerce.CartID](),
		CustomerID: in.CustomerID,
		Currency:   currency,
		Status:     StatusActive,
		CreatedAt:  now,
		UpdatedAt:  now,
		ExpiresAt:  now.Add(s.opts.TTL),
		Version:    1,
	}
	ev := commerce.NewEnvelope(c.ID.String(), now, Created{CartID: c.ID, CustomerID: c.CustomerID, Currency: c.Currency, ExpiresAt: c.ExpiresAt})
	if err := s.store.Create(ctx, c.Clone(), s.opts.TTL, []commerce.Envelope{ev}); err != nil {
		return Cart{}, err
	}
	return c, nil
}

// Get returns cart id in whatever status it is. A cart past its ExpiresAt
// is NotFound, as is one the store no longer holds.
func (s *Service) Get(ctx context.Context, id commerce.CartID) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	c, err := s.store.Get(ctx, id)
	if err != nil {
		return Cart{}, err
	}
	if c.ExpiredAt(s.now()) {
		return Cart{}, notFound(id)
	}
	return c, nil
}

// ForCustomer returns the customer's active cart ("my cart"): the active
// cart of theirs written last. A customer without one is NotFound.
func (s *Service) ForCustomer(ctx context.Context, customerID commerce.CustomerID) (Cart, error) {
	if err := validateCustomerID(customerID); err != nil {
		return Cart{}, err
	}
	id, err := s.store.CustomerCart(ctx, customerID)
	if err != nil {
		return Cart{}, noCustomerCart(customerID, err)
	}
	c, err := s.store.Get(ctx, id)
	if err != nil {
		return Cart{}, noCustomerCart(customerID, err)
	}
	if !s.ownedActive(&c, customerID, s.now()) {
		return Cart{}, noCustomerCart(customerID, nil)
	}
	return c, nil
}

// ownedActive reports whether c is customerID's active, unexpired cart.
func (s *Service) ownedActive(c *Cart, customerID commerce.CustomerID, now time.Time) bool {
	return c != nil && c.Status == StatusActive && c.CustomerID == customerID && !c.ExpiredAt(now)
}

func noCustomerCart(customerID commerce.CustomerID, err error) error {
	if err != nil && commerce.Code(err) != commerce.CodeNotFound {
		return err
	}
	return commerce.Errorf(commerce.CodeNotFound, "cart: customer %s has no active cart", customerID).WithDetail("customer_id", customerID.String())
}

func notFound(id commerce.CartID) error {
	return commerce.Errorf(commerce.CodeNotFound, "cart: cart %s not found", id).WithDetail("cart_id", id.String())
}

// writable checks that c may be changed at now: not expired (NotFound) and
// active (FailedPrecondition).
func writable(c *Cart, now time.Time) error {
	if c.ExpiredAt(now) {
		return notFound(c.ID)
	}
	switch c.Status {
	case StatusActive:
		return nil
	case StatusMerged:
		return commerce.Errorf(commerce.CodeFailedPrecondition, "cart: cart %s was merged into %s and accepts no changes", c.ID, c.MergedInto).
			WithDetail("cart_id", c.ID.String()).WithDetail("status", string(c.Status)).WithDetail("merged_into", c.MergedInto.String())
	case StatusConverted:
		return commerce.Errorf(commerce.CodeFailedPrecondition, "cart: cart %s became order %s and accepts no changes", c.ID, c.ConvertedOrderID).
			WithDetail("cart_id", c.ID.String()).WithDetail("status", string(c.Status)).WithDetail("order_id", c.ConvertedOrderID.String())
	}
	return commerce.Errorf(commerce.CodeInternal, "cart: cart %s has unknown status %q", c.ID, c.Status)
}

// touch stamps a write of c at now and pushes its expiry out.
func (s *Service) touch(c *Cart, now time.Time) {
	c.UpdatedAt = now
	c.ExpiresAt = now.Add(s.opts.TTL)
}

// mutate applies change to active cart id in one store write, if the
// cart passes checks. seen, when set, is the cart as just read, for
// stores that can start from it; the store takes it over.
func (s *Service) mutate(ctx context.Context, id commerce.CartID, seen *Cart, checks []Check, change func(c *Cart, now time.Time) ([]commerce.Event, error)) (Cart, error) {
	fn := func(c *Cart) ([]commerce.Envelope, error) {
		if err := runChecks(*c, checks); err != nil {
			return nil, err
		}
		now := s.now()
		if err := writable(c, now); err != nil {
			return nil, err
		}
		evs, err := change(c, now)
		if err != nil {
			return nil, err
		}
		s.touch(c, now)
		return s.envelopes(c.ID, now, evs...), nil
	}
	return s.write(ctx, id, seen, fn)
}

// write is the store's write of cart id by fn, started from seen, the
// cart as just read, when it is set and the store can (UpdaterFrom); the
// store takes seen over.
func (s *Service) write(ctx context.Context, id commerce.CartID, seen *Cart, fn UpdateFunc) (Cart, error) {
	if u, ok := s.store.(UpdaterFrom); ok && seen != nil {
		return u.UpdateFrom(ctx, *seen, s.opts.TTL, fn)
	}
	return s.store.Update(ctx, id, s.opts.TTL, fn)
}

func (s *Service) envelopes(id commerce.CartID, now time.Time, evs ...commerce.Event) []commerce.Envelope {
	if len(evs) == 0 {
		return nil
	}
	out := make([]commerce.Envelope, len(evs))
	for i, ev := range evs {
		out[i] = commerce.NewEnvelope(id.String(), now, ev)
	}
	return out
}
