package memory

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// OrderStore is the in-memory order.Store. One mutex serialises every
// write; numbers count up from 1001.
type OrderStore struct {
	opts *Options

	mu     sync.Mutex
	orders map[commerce.OrderID]order.Order
	byKey  map[string]commerce.OrderID
	// open maps a cart, at the version an order was priced from, to its
	// order that is not Cancelled.
	open map[openCart]commerce.OrderID
	next int64
}

// NewOrderStore returns an empty order store.
func NewOrderStore(opts *Options) *OrderStore {
	return &OrderStore{
		opts: opts, orders: map[commerce.OrderID]order.Order{}, byKey: map[string]commerce.OrderID{},
		open: map[openCart]commerce.OrderID{}, next: 1001,
	}
}

var _ order.Store = (*OrderStore)(nil)

// openCart is what at most one open order may have: a cart at a version.
type openCart struct {
	cart    commerce.CartID
	version int64
}

func openCartOf(o order.Order) openCart { return openCart{o.CartID, o.CartVersion} }

func orderNotFound(what string) error {
	return commerce.Errorf(commerce.CodeNotFound, "memory: order %s not found", what)
}

// Create implements order.Store.
func (s *OrderStore) Create(ctx context.Context, o order.Order, events func(order.Order) []commerce.Envelope) (order.Order, bool, error) {
	if err := ctx.Err(); err != nil {
		return order.Order{}, false, commerce.Errorf(commerce.CodeUnavailable, "memory: create order: %w", err)
	}
	s.mu.Lock()
	if id, ok := s.byKey[o.IdempotencyKey]; ok {
		existing := s.orders[id].Clone()
		s.mu.Unlock()
		return existing, false, nil
	}
	if _, ok := s.orders[o.ID]; ok {
		s.mu.Unlock()
		return order.Order{}, false, commerce.Errorf(commerce.CodeConflict, "memory: order %s already exists", o.ID)
	}
	if other, ok := s.open[openCartOf(o)]; ok {
		s.mu.Unlock()
		return order.Order{}, false, commerce.Errorf(commerce.CodeConflict, "memory: cart %s already has order %s", o.CartID, other).
			WithDetail("order_id", other.String()).WithDetail("cart_id", o.CartID.String())
	}
	o = o.Clone()
	o.Number, o.Version = s.next, 1
	if err := publish(ctx, s.opts.publisher(), events(o.Clone())); err != nil {
		s.mu.Unlock()
		return order.Order{}, false, err
	}
	s.next++
	s.orders[o.ID] = o
	s.byKey[o.IdempotencyKey] = o.ID
	if o.Status != order.StatusCancelled {
		s.open[openCartOf(o)] = o.ID
	}
	s.mu.Unlock()
	return o.Clone(), true, nil
}

// Get implements order.Store.
func (s *OrderStore) Get(_ context.Context, id commerce.OrderID) (order.Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return order.Order{}, orderNotFound(id.String())
	}
	return o.Clone(), nil
}

// GetByIdempotencyKey implements order.Store.
func (s *OrderStore) GetByIdempotencyKey(_ context.Context, key string) (order.Order, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byKey[key]
	if !ok {
		return order.Order{}, orderNotFound("with key " + key)
	}
	return s.orders[id].Clone(), nil
}

// Update implements order.Store.
func (s *OrderStore) Update(ctx context.Context, id commerce.OrderID, fn func(*order.Order) ([]commerce.Envelope, error)) (order.Order, error) {
	if err := ctx.Err(); err != nil {
		return order.Order{}, commerce.Errorf(commerce.CodeUnavailable, "memory: update order: %w", err)
	}
	s.mu.Lock()
	cur, ok := s.orders[id]
	if !ok {
		s.mu.Unlock()
		return order.Order{}, orderNotFound(id.String())
	}
	next := cur.Clone()
	events, err := fn(&next)
	if err != nil {
		s.mu.Unlock()
		return order.Order{}, err
	}
	next.Version = cur.Version + 1
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return order.Order{}, err
	}
	s.orders[id] = next
	if next.Status == order.StatusCancelled && s.open[openCartOf(next)] == id {
		delete(s.open, openCartOf(next))
	}
	s.mu.Unlock()
	return next.Clone(), nil
}

// Discard implements order.Store.
func (s *OrderStore) Discard(ctx context.Context, id commerce.OrderID, fn func(order.Order) ([]commerce.Envelope, error)) error {
	if err := ctx.Err(); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: discard order: %w", err)
	}
	s.mu.Lock()
	cur, ok := s.orders[id]
	if !ok {
		s.mu.Unlock()
		return orderNotFound(id.String())
	}
	events, err := fn(cur.Clone())
	if err != nil {
		s.mu.Unlock()
		return err
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return err
	}
	delete(s.orders, id)
	delete(s.byKey, cur.IdempotencyKey)
	if s.open[openCartOf(cur)] == id {
		delete(s.open, openCartOf(cur))
	}
	s.mu.Unlock()
	return nil
}

// orderCursor is where a List page ended: newest first by creation time,
// then by ID.
type orderCursor struct {
	CreatedAt time.Time        `json:"c"`
	ID        commerce.OrderID `json:"i"`
}

// List implements order.Store.
func (s *OrderStore) List(_ context.Context, f order.ListFilter, page commerce.PageRequest) (commerce.Page[order.Order], error) {
	var after *orderCursor
	if page.Cursor != "" {
		after = &orderCursor{}
		if err := commerce.DecodeCursor(page.Cursor, after); err != nil {
			return commerce.Page[order.Order]{}, err
		}
	}
	s.mu.Lock()
	var all []order.Order
	for _, o := range s.orders {
		if (f.CustomerID.IsZero() || o.CustomerID == f.CustomerID) && (f.Status == "" || o.Status == f.Status) {
			all = append(all, o.Clone())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, newestFirst)
	out := commerce.Page[order.Order]{Items: []order.Order{}}
	for _, o := range all {
		if after != nil && newestFirst(o, order.Order{CreatedAt: after.CreatedAt, ID: after.ID}) <= 0 {
			continue
		}
		if len(out.Items) == page.Limit {
			last := out.Items[len(out.Items)-1]
			cur, err := commerce.EncodeCursor(orderCursor{CreatedAt: last.CreatedAt, ID: last.ID})
			if err != nil {
				return commerce.Page[order.Order]{}, err
			}
			out.NextCursor = cur
			break
		}
		out.Items = append(out.Items, o)
	}
	return out, nil
}

func newestFirst(a, b order.Order) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(b.ID.String(), a.ID.String())
}

// Unsettled implements order.Store.
func (s *OrderStore) Unsettled(_ context.Context, before time.Time, limit int) ([]order.Order, error) {
	s.mu.Lock()
	var out []order.Order
	for _, o := range s.orders {
		if !o.Settled && o.UpdatedAt.Before(before) {
			out = append(out, o.Clone())
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b order.Order) int {
		if c := a.UpdatedAt.Compare(b.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
