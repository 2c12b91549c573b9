package inventory

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Stock is what a store hands to a write closure: the levels the write
// touches, locked until the closure's change is persisted or abandoned.
type Stock struct {
	// Levels holds every existing level of the write's SKUs, sorted by
	// SKU then location. A SKU without levels has no stock.
	Levels []Level
	// Thresholds holds the low-stock thresholds set for those SKUs; a SKU
	// without one is absent and uses the service's default.
	Thresholds map[string]int
}

// Change is what a write closure asks the store to persist, atomically and
// together with its events.
type Change struct {
	// Levels are the new values of the levels that changed. A level that
	// did not exist is created.
	Levels []Level
	// Reservations are the new states of reservations. In
	// CreateReservation it holds the new reservation with its
	// allocations and untracked lines; elsewhere only Status and
	// UpdatedAt of existing reservations change.
	Reservations []Reservation
	// Thresholds sets low-stock thresholds per SKU.
	Thresholds map[string]int
	// Movements are appended to the ledger; the store assigns their IDs.
	Movements []Movement
	// Events are published with the change (see the package doc of the
	// adapter for when).
	Events []commerce.Envelope
}

// Store keeps stock levels, reservations, thresholds and the ledger. The
// service carries every rule; a store locks, reads and persists.
//
// Write methods are transactional closures: the store locks what the write
// touches, calls fn with copies, and persists fn's Change as one atomic
// unit with its events, or nothing at all if fn fails, ctx ends or the
// store fails first. fn does no I/O and may be called at most once per
// write. Level locks are always taken in (SKU, location) order, after the
// reservation locks of the same write, so concurrent writes never
// deadlock. Errors returned by fn are returned unchanged; the store's own
// failures carry a commerce code (Unavailable for a lost connection or a
// cancelled context). Stores never retry. All methods are safe for
// concurrent use; returned values are copies.
type Store interface {
	// CreateReservation creates res (ID, Lines, Status, CreatedAt,
	// UpdatedAt and ExpiresAt are set; Allocations are not yet) unless a
	// reservation with res.ID exists. If one exists, it is returned as
	// existing, fn is not called and nothing is written; concurrent calls
	// with one ID create it at most once (the others wait and get the
	// winner's reservation). Otherwise the store locks the levels of the
	// SKUs of res.Lines and calls fn; its Change holds the reservation
	// with its allocations and untracked lines, which the store persists
	// with the rest and returns with the reservation from then on.
	CreateReservation(ctx context.Context, res Reservation, fn func(Stock) (Change, error)) (existing *Reservation, err error)

	// UpdateReservation locks reservation id, then the levels of the
	// SKUs it allocates (untracked lines have none), calls fn and
	// persists its Change. A missing
	// reservation is NotFound and fn is not called.
	UpdateReservation(ctx context.Context, id commerce.ReservationID, fn func(Reservation, Stock) (Change, error)) error

	// ExpireReservations locks up to limit reservations whose status is
	// reserved and whose ExpiresAt is at or before now, skipping those
	// another write holds, then the levels of their SKUs; calls fn with
	// them (oldest expiry first) and persists its Change. It returns how
	// many reservations fn was given; with none, fn is not called.
	ExpireReservations(ctx context.Context, now time.Time, limit int, fn func([]Reservation, Stock) (Change, error)) (int, error)

	// UpdateStock locks every level of sku (and its threshold), calls fn
	// and persists its Change: admin adjustments and thresholds.
	UpdateStock(ctx context.Context, sku string, fn func(Stock) (Change, error)) error

	// Reservation returns reservation id, or NotFound.
	Reservation(ctx context.Context, id commerce.ReservationID) (Reservation, error)

	// Levels returns the levels of sku sorted by location; none is an
	// empty result, not an error.
	Levels(ctx context.Context, sku string) ([]Level, error)

	// Movements returns up to limit ledger entries of sku with an ID
	// greater than afterID, in ID order.
	Movements(ctx context.Context, sku string, afterID int64, limit int) ([]Movement, error)
}
