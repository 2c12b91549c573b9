package cart

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// UpdateFunc changes a cart inside a store's atomic read-modify-write and
// returns the events that commit with the change. It runs while the write
// is serialised with every other write of the cart, so it must not do I/O,
// and it may run more than once (an optimistic store retries it on a fresh
// copy when another write got in first). An error abandons the write.
type UpdateFunc func(c *Cart) ([]commerce.Envelope, error)

// AdoptFunc is the closure of Store.Adopt: it changes cart c and, when the
// customer has one, owned, the cart the customer index names. The rules of
// UpdateFunc apply.
type AdoptFunc func(c *Cart, owned *Cart) ([]commerce.Envelope, error)

// Store keeps carts and the customer index. The Service carries every rule
// (limits, pricing, expiry by its clock, events); a store reads, writes
// atomically and forgets.
//
// Every write (Create, Update, Adopt) is atomic with its events: the carts,
// the index and the events commit together or not at all, and a write is
// serialised with every other write of the carts it touches, so concurrent
// writers never lose an update. Writes take the TTL the record lives after
// the write, refreshed by every write; a record past its TTL is gone (Get is
// NotFound) even if nobody deleted it. The store owns Version: Create stores
// Version 1, and every Update or Adopt stores the version read plus one,
// whatever the closure left in the field. A closure is called with the
// cart at its stored Version, so a write conditional on the version the
// caller saw (MarkConverted's) is a compare-and-set: it cannot pass on a
// cart another write changed in between.
//
// The customer index maps a customer to one cart: every write that leaves
// a cart StatusActive with a CustomerID points that customer's index at it,
// with the cart's TTL. Nothing else changes the index, so it may name a cart
// that is no longer active, or one that is gone; the Service checks.
//
// Errors returned by a closure are returned unchanged and nothing is
// written. The store's own failures carry a commerce code (Unavailable for
// a lost connection or an ended context). All methods are safe for
// concurrent use; carts passed in and returned are copies.
type Store interface {
	// Create stores c, which is new (Version 1), for ttl and commits
	// events with it. An ID already stored is Conflict.
	Create(ctx context.Context, c Cart, ttl time.Duration, events []commerce.Envelope) error

	// Get returns cart id, or NotFound if it was never stored or its TTL
	// has passed.
	Get(ctx context.Context, id commerce.CartID) (Cart, error)

	// Update reads cart id, calls fn with a copy, and stores the result
	// and fn's events for ttl, atomically with respect to every other
	// write of the cart. A missing cart is NotFound and fn is not called.
	// It returns the cart as stored.
	Update(ctx context.Context, id commerce.CartID, ttl time.Duration, fn UpdateFunc) (Cart, error)

	// Adopt is the write of a customer taking over cart id (attach and
	// merge): it reads cart id and, as of the same moment, the cart the
	// index names for customerID, then calls fn with copies of both. It
	// stores cart id, and the owned cart if fn changed it, with fn's
	// events for ttl, in one atomic step that fails over to a retry if
	// either cart or the index changed since the read. owned is nil when
	// the index names no cart, a cart that is gone, or id itself. A
	// missing cart id is NotFound and fn is not called. It returns cart
	// id as stored and, when there was one, the owned cart as it is now
	// (stored anew or unchanged).
	Adopt(ctx context.Context, id commerce.CartID, customerID commerce.CustomerID, ttl time.Duration, fn AdoptFunc) (c Cart, owned *Cart, err error)

	// CustomerCart returns the cart the index names for customerID, or
	// NotFound when it names none (or its TTL has passed). The cart itself
	// may be gone or no longer the customer's active cart.
	CustomerCart(ctx context.Context, customerID commerce.CustomerID) (commerce.CartID, error)
}

// UpdaterFrom is an optional Store capability: UpdateFrom is Update
// starting from seen, a copy of the cart the caller read moments ago and
// hands over to the store, instead of reading the cart again. If the stored cart is still at
// seen.Version the write needs no read at all; otherwise the store reads
// it and retries fn as Update does. A remote store saves a round trip per
// write with it. seen.ID names the cart.
type UpdaterFrom interface {
	UpdateFrom(ctx context.Context, seen Cart, ttl time.Duration, fn UpdateFunc) (Cart, error)
}
