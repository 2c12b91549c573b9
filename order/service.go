package order

import (
	"context"
	"errors"
	"log/slog"
	"slices"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/inflight"
)

// Service carries every order rule: checkout, the state machine, cancels,
// returns and recovery. It is safe for concurrent use; several Services
// (in several processes) may share one Store.
type Service struct {
	store    Store
	carts    Carts
	stock    Stock
	payments Payments
	opts     Options
	clock    commerce.Clock
	log      *slog.Logger

	// inflight makes duplicate checkouts in this process wait for the
	// first with their key.
	inflight inflight.Group[Order]
}

// NewService returns a Service over store that checks carts out of carts,
// reserves stock in stock and takes payment through payments: in one
// process *cart.Service, *inventory.Service and *payment.Service, across
// processes network clients keeping the contracts of Carts, Stock and
// Payments. A nil opts takes the defaults documented on Options; a missing
// dependency or an invalid option is InvalidArgument.
func NewService(store Store, carts Carts, stock Stock, payments Payments, opts *Options) (*Service, error) {
	if store == nil || carts == nil || stock == nil || payments == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "order: NewService needs a store, carts, stock and payments")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	s := &Service{
		store: store, carts: carts, stock: stock, payments: payments,
		opts: o, clock: o.Clock, log: o.Logger,
	}
	return s, nil
}

// Get returns the order with id; a missing one is NotFound.
func (s *Service) Get(ctx context.Context, id commerce.OrderID) (Order, error) {
	if err := validateOrderID(id); err != nil {
		return Order{}, err
	}
	return s.store.Get(ctx, id)
}

// List returns orders newest first, filtered by f and keyset-paged.
// An unknown status is InvalidArgument.
func (s *Service) List(ctx context.Context, f ListFilter, page commerce.PageRequest) (commerce.Page[Order], error) {
	if f.Status != "" && !f.Status.Valid() {
		return commerce.Page[Order]{}, invalid("status", "unknown order status %q", f.Status)
	}
	if !f.CustomerID.IsZero() {
		if err := f.CustomerID.Validate(); err != nil {
			return commerce.Page[Order]{}, invalid("customer_id", "customer id: %w", err)
		}
	}
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[Order]{}, err
	}
	return s.store.List(ctx, f, page)
}

// errUnchanged aborts a store write that has nothing to change.
var errUnchanged = errors.New("order: unchanged")

// move takes the order with id from one of the statuses in from to status
// to, recording the transition and writing its event in one store write.
// A nil from allows every status with an arrow to to. An order already
// in to is returned unchanged, so retried requests succeed. Any other
// status is FailedPrecondition. mutate, when not nil,
// adjusts the order in the same write; refund is the amount the event
// reports for cancellations and refunds.
func (s *Service) move(ctx context.Context, id commerce.OrderID, from []Status, to Status, actor, reason string, mutate func(*Order) error, refund commerce.Money) (Order, error) {
	return s.moveBy(func(fn func(*Order) ([]commerce.Envelope, error)) (Order, error) {
		return s.store.Update(ctx, id, fn)
	}, from, to, actor, reason, mutate, refund)
}

// moveFrom is move applied to seen, the order as the caller holds it,
// without reading it again when the store can (UpdaterFrom): then it is
// CodeConflict, writing nothing, if the order has moved on since.
func (s *Service) moveFrom(ctx context.Context, seen Order, from []Status, to Status, actor, reason string, mutate func(*Order) error, refund commerce.Money) (Order, error) {
	u, ok := s.store.(UpdaterFrom)
	if !ok {
		return s.move(ctx, seen.ID, from, to, actor, reason, mutate, refund)
	}
	return s.moveBy(func(fn func(*Order) ([]commerce.Envelope, error)) (Order, error) {
		return u.UpdateFrom(ctx, seen, fn)
	}, from, to, actor, reason, mutate, refund)
}

// moveBy is move through write, a Store's update of the order.
func (s *Service) moveBy(write func(func(*Order) ([]commerce.Envelope, error)) (Order, error), from []Status, to Status, actor, reason string, mutate func(*Order) error, refund commerce.Money) (Order, error) {
	var same Order
	o, err := write(func(o *Order) ([]commerce.Envelope, error) {
		if o.Status == to {
			same = o.Clone()
			return nil, errUnchanged
		}
		if (from != nil && !slices.Contains(from, o.Status)) || !CanTransition(o.Status, to) {
			return nil, errTransition(*o, to)
		}
		if mutate != nil {
			if err := mutate(o); err != nil {
				return nil, err
			}
		}
		prev := o.Status
		now := s.now()
		o.Status, o.UpdatedAt = to, now
		o.History = append(o.History, Transition{From: prev, To: to, Actor: actor, Reason: reason, At: now})
		return []commerce.Envelope{transitionEvent(*o, prev, actor, reason, refund)}, nil
	})
	if errors.Is(err, errUnchanged) {
		return same, nil
	}
	return o, err
}

func errTransition(o Order, to Status) error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "order %s is %s: it cannot become %s", o.ID, o.Status, to).
		WithDetail("order_id", o.ID.String()).WithDetail("status", string(o.Status)).WithDetail("to", string(to))
}
