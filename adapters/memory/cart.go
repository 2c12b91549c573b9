package memory

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// CartStore is a cart.Store in process memory. One mutex serialises every
// write; the closure runs under it, then the events are published and,
// once they are, the change applied and the lock released.
//
// Records expire like Redis keys: TTL after their last write, measured by
// the process's monotonic clock, independently of the cart.Service's
// Clock, which decides on its own when a cart has expired. Expired records
// read as missing at once and are swept from memory in the course of later
// writes.
//
// A write whose context has ended by the time the closure returns is
// abandoned (Unavailable) and changes nothing. So does a write whose
// events the publisher refuses: repeating it applies it once.
type CartStore struct {
	opts *Options
	// now reads the clock of record lifetimes.
	now func() time.Time

	mu    sync.Mutex
	carts map[commerce.CartID]cartRecord
	index map[commerce.CustomerID]indexRecord
	// writes counts the writes since the last sweep of expired records.
	writes int
}

type cartRecord struct {
	cart     cart.Cart
	deadline time.Time
}

type indexRecord struct {
	id       commerce.CartID
	deadline time.Time
}

var _ cart.Store = (*CartStore)(nil)

// NewCartStore returns an empty CartStore. A nil opts is the zero value.
func NewCartStore(opts *Options) *CartStore {
	return &CartStore{
		opts:  opts,
		now:   time.Now,
		carts: map[commerce.CartID]cartRecord{},
		index: map[commerce.CustomerID]indexRecord{},
	}
}

// Create implements cart.Store.
func (s *CartStore) Create(ctx context.Context, c cart.Cart, ttl time.Duration, events []commerce.Envelope) error {
	if err := checkCartWrite(ctx, "create cart", ttl); err != nil {
		return err
	}
	s.mu.Lock()
	now := s.now()
	if _, ok := s.liveCart(c.ID, now); ok {
		s.mu.Unlock()
		return commerce.Errorf(commerce.CodeConflict, "memory: cart %s already exists", c.ID)
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return err
	}
	s.putCart(c, now.Add(ttl))
	s.sweep(now)
	s.mu.Unlock()
	return nil
}

// Get implements cart.Store.
func (s *CartStore) Get(_ context.Context, id commerce.CartID) (cart.Cart, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.liveCart(id, s.now())
	if !ok {
		return cart.Cart{}, cartNotFound(id)
	}
	return c.Clone(), nil
}

// Update implements cart.Store.
func (s *CartStore) Update(ctx context.Context, id commerce.CartID, ttl time.Duration, fn cart.UpdateFunc) (cart.Cart, error) {
	return s.adopt(ctx, id, "", ttl, func(c, _ *cart.Cart) ([]commerce.Envelope, error) { return fn(c) })
}

// Adopt implements cart.Store.
func (s *CartStore) Adopt(ctx context.Context, id commerce.CartID, customerID commerce.CustomerID, ttl time.Duration, fn cart.AdoptFunc) (cart.Cart, *cart.Cart, error) {
	var owned *cart.Cart
	c, err := s.adopt(ctx, id, customerID, ttl, func(c, o *cart.Cart) ([]commerce.Envelope, error) {
		evs, err := fn(c, o)
		owned = o
		return evs, err
	})
	if err != nil {
		return cart.Cart{}, nil, err
	}
	if owned != nil {
		o := owned.Clone()
		owned = &o
	}
	return c, owned, nil
}

// adopt runs the closure of Update and Adopt; with an empty customerID
// there is no owned cart.
func (s *CartStore) adopt(ctx context.Context, id commerce.CartID, customerID commerce.CustomerID, ttl time.Duration, fn cart.AdoptFunc) (cart.Cart, error) {
	if err := checkCartWrite(ctx, "update cart", ttl); err != nil {
		return cart.Cart{}, err
	}
	s.mu.Lock()
	now := s.now()
	stored, ok := s.liveCart(id, now)
	if !ok {
		s.mu.Unlock()
		return cart.Cart{}, cartNotFound(id)
	}
	c := stored.Clone()
	var owned *cart.Cart
	var ownedBefore cart.Cart
	if !customerID.IsZero() {
		if ix, ok := s.index[customerID]; ok && now.Before(ix.deadline) && ix.id != id {
			if o, ok := s.liveCart(ix.id, now); ok {
				ownedBefore = o
				o = o.Clone()
				owned = &o
			}
		}
	}
	events, err := fn(&c, owned)
	if err != nil {
		s.mu.Unlock()
		return cart.Cart{}, err
	}
	// A caller that gave up while the closure ran gets nothing applied,
	// as a database transaction would roll back.
	if err := ctx.Err(); err != nil {
		s.mu.Unlock()
		return cart.Cart{}, commerce.Errorf(commerce.CodeUnavailable, "memory: update cart %s: %w", id, err)
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return cart.Cart{}, err
	}
	deadline := now.Add(ttl)
	if owned != nil {
		if reflect.DeepEqual(*owned, ownedBefore) {
			*owned = ownedBefore.Clone() // left alone: not written
		} else {
			owned.ID, owned.Version = ownedBefore.ID, ownedBefore.Version+1
			s.putCart(owned.Clone(), deadline)
		}
	}
	c.ID, c.Version = id, stored.Version+1
	s.putCart(c.Clone(), deadline)
	s.sweep(now)
	s.mu.Unlock()
	return c.Clone(), nil
}

// CustomerCart implements cart.Store.
func (s *CartStore) CustomerCart(_ context.Context, customerID commerce.CustomerID) (commerce.CartID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ix, ok := s.index[customerID]
	if !ok || !s.now().Before(ix.deadline) {
		return "", commerce.Errorf(commerce.CodeNotFound, "memory: customer %s has no cart", customerID)
	}
	return ix.id, nil
}

// liveCart returns cart id if its record has not expired at now. s.mu must
// be held.
func (s *CartStore) liveCart(id commerce.CartID, now time.Time) (cart.Cart, bool) {
	r, ok := s.carts[id]
	if !ok || !now.Before(r.deadline) {
		return cart.Cart{}, false
	}
	return r.cart, true
}

// putCart stores c until deadline and points the index at it when it is
// a customer's active cart. s.mu must be held.
func (s *CartStore) putCart(c cart.Cart, deadline time.Time) {
	s.carts[c.ID] = cartRecord{cart: c, deadline: deadline}
	if c.Status == cart.StatusActive && !c.CustomerID.IsZero() {
		s.index[c.CustomerID] = indexRecord{id: c.ID, deadline: deadline}
	}
	s.writes++
}

// minSweepWrites is the fewest writes between two sweeps.
const minSweepWrites = 64

// sweep forgets expired records once the writes since the last sweep
// number half the records, which keeps its cost per write constant even
// when every write creates a record. s.mu must be held.
func (s *CartStore) sweep(now time.Time) {
	if s.writes < minSweepWrites || 2*s.writes < len(s.carts)+len(s.index) {
		return
	}
	s.writes = 0
	for id, r := range s.carts {
		if !now.Before(r.deadline) {
			delete(s.carts, id)
		}
	}
	for id, r := range s.index {
		if !now.Before(r.deadline) {
			delete(s.index, id)
		}
	}
}

func checkCartWrite(ctx context.Context, doing string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: %s: %w", doing, err)
	}
	if ttl <= 0 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "memory: %s: ttl %s must be positive", doing, ttl)
	}
	return nil
}

func cartNotFound(id commerce.CartID) error {
	return commerce.Errorf(commerce.CodeNotFound, "memory: cart %s not found", id)
}
