package order

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Store keeps orders. Implementations are safe for concurrent use. Every
// write commits the order (its lines and history included) and the events
// passed in or returned by the closure together; a write that fails leaves
// nothing behind and publishes nothing. Closures run inside the store's
// transaction or lock: they must not do remote I/O, may run more than once
// if the store retries, and their changes are discarded when they return an
// error, which the write then returns as it is. Reads return copies. A
// missing order is CodeNotFound.
type Store interface {
	// Create inserts o, assigning its Number, with the events that events
	// returns for the order as stored (numbered), unless an order with the
	// same IdempotencyKey exists: then it returns that order and
	// created=false and publishes nothing, even when concurrent. Keys are
	// unique across orders.
	//
	// A cart version has at most one order that is not Cancelled: when
	// another one exists for o.CartID at o.CartVersion, Create is
	// CodeConflict with the order's ID in Details["order_id"]. (A cart
	// that changed while its order was paid stays active, and its new
	// version can be checked out.)
	Create(ctx context.Context, o Order, events func(stored Order) []commerce.Envelope) (stored Order, created bool, err error)
	// Get returns the order with id.
	Get(ctx context.Context, id commerce.OrderID) (Order, error)
	// GetByIdempotencyKey returns the order created with key.
	GetByIdempotencyKey(ctx context.Context, key string) (Order, error)
	// Update applies fn to the order with id, serialised with every other
	// write to it, and commits the result with the events fn returns,
	// incrementing Version. It returns the order as stored. fn must not
	// change ID, Number, IdempotencyKey, CartID, CartVersion, Lines or
	// CreatedAt.
	Update(ctx context.Context, id commerce.OrderID, fn func(*Order) ([]commerce.Envelope, error)) (Order, error)
	// Discard deletes the order with id, with everything it owns, if fn
	// (called with the order, serialised like Update) returns no error,
	// and commits the events fn returns.
	Discard(ctx context.Context, id commerce.OrderID, fn func(Order) ([]commerce.Envelope, error)) error
	// List returns orders newest first, keyset-paged, filtered by
	// ListFilter.
	List(ctx context.Context, f ListFilter, page commerce.PageRequest) (commerce.Page[Order], error)
	// Unsettled returns up to limit orders with Settled false whose
	// UpdatedAt is before before, oldest first.
	Unsettled(ctx context.Context, before time.Time, limit int) ([]Order, error)
}

// UpdaterFrom is an optional Store capability: UpdateFrom is Update
// applied to seen, a copy of the order the caller holds (seen.ID names
// it), without reading the order again. The write stands only if the
// stored order is still at seen.Version; otherwise UpdateFrom is
// CodeConflict and writes nothing. It never retries: a caller that meets
// the conflict goes on from the stored order, with Update. In a unit of
// work the conflict may surface at a later write of the unit, or when the
// unit commits, and fails the whole unit. A remote store saves a locked
// read, and its round trip, per write with it.
type UpdaterFrom interface {
	UpdateFrom(ctx context.Context, seen Order, fn func(*Order) ([]commerce.Envelope, error)) (Order, error)
}

// ListFilter narrows List. Zero fields do not filter.
type ListFilter struct {
	CustomerID commerce.CustomerID
	Status     Status
}

// UnitOfWork is a capability a Store may have: writing the orders and the
// stock in one transaction when both live in one database (as the stores
// of adapters/postgres on one pool do). Given one (Options.UnitOfWork),
// the Service creates the order, PaymentPending, and reserves its stock
// in one unit, and confirms the order and deducts the stock in another:
// one commit each instead of two or three. When the payments write in the
// unit too (PaymentRecorder), the payment is recorded in the first unit
// and its captured outcome in the second.
//
// Atomically runs fn and commits, together, every write that this Store
// and the Service's Stock make with fn's context: all of them once fn
// returns nil, none when it returns an error, which Atomically returns as
// it is. A write through a stock that does not share the unit (one in
// another database or process) commits on its own, when it is made;
// the Store's own writes in fn commit only when the unit ends, after it.
// So a unit never lets an order claim a stock write before that write has
// committed, and each outcome of a unit is one the Service's writes made
// one after the other could have had. Nested calls join the unit under
// way. fn must not do remote I/O, and its context must not outlive it.
type UnitOfWork interface {
	Atomically(ctx context.Context, fn func(ctx context.Context) error) error
}
