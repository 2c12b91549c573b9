package inventory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Service carries every inventory rule over a Store. It is safe for
// concurrent use; its consistency under concurrency is the store's locks'.
type Service struct {
	store    Store
	opts     Options
	clock    commerce.Clock
	strategy Strategy
}

// NewService returns a Service over store. A nil opts takes the defaults
// documented on Options; an invalid one is InvalidArgument.
func NewService(store Store, opts *Options) (*Service, error) {
	if store == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: NewService needs a store")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	return &Service{store: store, opts: o, clock: o.Clock, strategy: o.Strategy}, nil
}

// now is the service's time, at the microsecond precision databases
// keep, so a reservation read back equals the one returned.
func (s *Service) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Reserve reserves lines under reservation id for ttl (0 means
// Options.DefaultTTL), all lines or none. Lines naming the same SKU are
// summed first. When some SKU is short it fails with CodeOutOfStock and an
// *OutOfStockError listing every short SKU; nothing is reserved. With
// Options.Untracked, a SKU without any stock level is never short: its
// line is reserved without limit and listed in Reservation.Untracked.
//
// Reserve is idempotent by id: if reservation id exists with the same
// summed lines it is returned as it is, whatever its status (the ttl of the
// repeat is ignored); with other lines it is a Conflict. Concurrent calls
// with one id reserve once.
//
// Bad input (an invalid id, no lines, an empty SKU, a quantity below 1 or
// above MaxQuantity, a negative ttl) is InvalidArgument.
func (s *Service) Reserve(ctx context.Context, id commerce.ReservationID, lines []Line, ttl time.Duration) (Reservation, error) {
	if err := validateReservationID(id); err != nil {
		return Reservation{}, err
	}
	summed, err := sumLines(lines)
	if err != nil {
		return Reservation{}, err
	}
	switch {
	case ttl < 0:
		return Reservation{}, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: reservation ttl %s must be positive", ttl).WithDetail("field", "ttl")
	case ttl == 0:
		ttl = s.opts.DefaultTTL
	}
	now := s.now()
	res := Reservation{ID: id, Lines: summed, Status: StatusReserved, CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(ttl)}
	var created Reservation
	existing, err := s.store.CreateReservation(ctx, res.Clone(), func(stock Stock) (Change, error) {
		tracked, untracked := s.splitUntracked(summed, stock.Levels)
		var allocs []Allocation
		if len(tracked) > 0 {
			var short []Shortage
			allocs, short = s.strategy.Allocate(slices.Clone(tracked), slices.Clone(stock.Levels), s.opts.DefaultLocation)
			if len(short) > 0 {
				slices.SortFunc(short, func(a, b Shortage) int { return strings.Compare(a.SKU, b.SKU) })
				return Change{}, outOfStock(short)
			}
			allocs = slices.Clone(allocs)
			if err := checkAllocations(s.strategy, tracked, allocs, stock.Levels); err != nil {
				return Change{}, err
			}
			SortAllocations(allocs)
		}
		p := s.newPlan(stock, now)
		for _, a := range allocs {
			if err := p.move(a.SKU, a.Location, 0, a.Quantity, MovementReserve, "", id, false); err != nil {
				return Change{}, commerce.Errorf(commerce.CodeInternal, "inventory: reserve %s: %v", id, err)
			}
		}
		created = res.Clone()
		created.Allocations = allocs
		created.Untracked = untracked
		ev := commerce.NewEnvelope(id.String(), now, Reserved{
			ReservationID: id, Lines: created.Lines, Allocations: created.Allocations,
			Untracked: created.Untracked, ExpiresAt: created.ExpiresAt,
		})
		return p.change([]Reservation{created.Clone()}, ev), nil
	})
	if err != nil {
		return Reservation{}, err
	}
	if existing != nil {
		if !slices.Equal(existing.Lines, summed) {
			return Reservation{}, commerce.Errorf(commerce.CodeConflict, "inventory: reservation %s already exists with other lines", id).
				WithDetail("reservation_id", id.String())
		}
		return *existing, nil
	}
	return created, nil
}

// splitUntracked parts lines into those the strategy allocates and, when
// the service runs with Options.Untracked, those whose SKU has no level
// among levels (every level of the lines' SKUs), which hold no stock.
func (s *Service) splitUntracked(lines []Line, levels []Level) (tracked, untracked []Line) {
	if !s.opts.Untracked {
		return lines, nil
	}
	stocked := make(map[string]bool, len(levels))
	for _, l := range levels {
		stocked[l.SKU] = true
	}
	for _, l := range lines {
		if stocked[l.SKU] {
			tracked = append(tracked, l)
		} else {
			untracked = append(untracked, l)
		}
	}
	return tracked, untracked
}

// Release gives a reservation's stock back (its order was not paid).
// Releasing a released or expired reservation succeeds and changes
// nothing; releasing a deducted one is FailedPrecondition (restock it
// instead); an unknown id is NotFound.
func (s *Service) Release(ctx context.Context, id commerce.ReservationID) error {
	return s.settle(ctx, id, opRelease)
}

// Deduct takes a reservation's units out of stock (its order was paid):
// on hand -= qty and reserved -= qty at every allocated location.
// Deducting twice succeeds and changes nothing. A released reservation, or
// one past its ExpiresAt (swept or not), is FailedPrecondition: its units
// may already be sold to someone else. An unknown id is NotFound.
func (s *Service) Deduct(ctx context.Context, id commerce.ReservationID) error {
	return s.settle(ctx, id, opDeduct)
}

// Restock puts a deducted reservation's units back on hand (a cancelled
// or returned order). Restocking twice succeeds and changes nothing; any
// reservation not deducted is FailedPrecondition; an unknown id is
// NotFound.
func (s *Service) Restock(ctx context.Context, id commerce.ReservationID) error {
	return s.settle(ctx, id, opRestock)
}

// settle applies op to reservation id.
func (s *Service) settle(ctx context.Context, id commerce.ReservationID, op operation) error {
	if err := validateReservationID(id); err != nil {
		return err
	}
	return s.store.UpdateReservation(ctx, id, func(res Reservation, stock Stock) (Change, error) {
		now := s.now()
		to, moves, err := transition(res, op, now)
		if err != nil || !moves {
			return Change{}, err
		}
		p := s.newPlan(stock, now)
		if err := s.moveReservation(p, res, op); err != nil {
			return Change{}, err
		}
		res.Status, res.UpdatedAt = to, now
		return p.change([]Reservation{res}, s.settledEvent(res, op, now)), nil
	})
}

// moveReservation moves the levels of res's allocations as op does; its
// untracked lines have none to move.
func (s *Service) moveReservation(p *plan, res Reservation, op operation) error {
	for _, a := range res.Allocations {
		var onHand, reserved int
		var kind MovementKind
		switch op {
		case opRelease:
			reserved, kind = -a.Quantity, MovementRelease
		case opExpire:
			reserved, kind = -a.Quantity, MovementExpire
		case opDeduct:
			onHand, reserved, kind = -a.Quantity, -a.Quantity, MovementDeduct
		case opRestock:
			onHand, kind = a.Quantity, MovementRestock
		}
		if err := p.move(a.SKU, a.Location, onHand, reserved, kind, "", res.ID, false); err != nil {
			return commerce.Errorf(commerce.CodeInternal, "inventory: %s reservation %s: %v", op, res.ID, err)
		}
	}
	return nil
}

func (s *Service) settledEvent(res Reservation, op operation, now time.Time) commerce.Envelope {
	var ev commerce.Event
	switch op {
	case opRelease:
		ev = Released{ReservationID: res.ID, Reason: ReleaseReasonReleased, Lines: res.Lines, Allocations: res.Allocations, Untracked: res.Untracked}
	case opExpire:
		ev = Released{ReservationID: res.ID, Reason: ReleaseReasonExpired, Lines: res.Lines, Allocations: res.Allocations, Untracked: res.Untracked}
	case opDeduct:
		ev = Deducted{ReservationID: res.ID, Lines: res.Lines, Allocations: res.Allocations, Untracked: res.Untracked}
	default:
		ev = Restocked{ReservationID: res.ID, Lines: res.Lines, Allocations: res.Allocations, Untracked: res.Untracked}
	}
	return commerce.NewEnvelope(res.ID.String(), now, ev)
}

// expireBatch is how many reservations ReleaseExpired handles per
// transaction.
const expireBatch = 100

// ReleaseExpired releases every reservation still reserved past its
// ExpiresAt (status expired, event inventory.released with reason
// "expired") and returns how many it released. It works in batches, one
// transaction each, and skips reservations another write holds at that
// moment, so several sweepers may run at once.
func (s *Service) ReleaseExpired(ctx context.Context) (int, error) {
	total := 0
	for {
		now := s.now()
		var released int
		n, err := s.store.ExpireReservations(ctx, now, expireBatch, func(list []Reservation, stock Stock) (Change, error) {
			released = 0
			p := s.newPlan(stock, now)
			var changed []Reservation
			var events []commerce.Envelope
			for _, res := range list {
				to, moves, err := transition(res, opExpire, now)
				if err != nil || !moves {
					continue // not due after all: leave it to a later sweep
				}
				if err := s.moveReservation(p, res, opExpire); err != nil {
					return Change{}, err
				}
				res.Status, res.UpdatedAt = to, now
				changed = append(changed, res)
				events = append(events, s.settledEvent(res, opExpire, now))
			}
			released = len(changed)
			return p.change(changed, events...), nil
		})
		if err != nil {
			return total, err
		}
		total += released
		if n < expireBatch {
			return total, nil
		}
	}
}

// Get returns reservation id, or NotFound.
func (s *Service) Get(ctx context.Context, id commerce.ReservationID) (Reservation, error) {
	if err := validateReservationID(id); err != nil {
		return Reservation{}, err
	}
	return s.store.Reservation(ctx, id)
}

// checkAllocations verifies a strategy's answer against the locked levels:
// every line fully allocated, nothing else, no level over-drawn.
func checkAllocations(strategy Strategy, lines []Line, allocs []Allocation, levels []Level) error {
	bad := func(format string, args ...any) error {
		return commerce.Errorf(commerce.CodeInternal, "inventory: strategy %T: %s", strategy, fmt.Sprintf(format, args...))
	}
	want := map[string]int{}
	for _, l := range lines {
		want[l.SKU] = l.Quantity
	}
	avail := map[levelKey]int{}
	for _, l := range levels {
		avail[l.key()] = l.Available()
	}
	got := map[string]int{}
	for _, a := range allocs {
		if _, ok := want[a.SKU]; !ok {
			return bad("allocated SKU %q, which was not requested", a.SKU)
		}
		if a.Quantity <= 0 {
			return bad("allocated %d of %s", a.Quantity, a.SKU)
		}
		k := levelKey{a.SKU, a.Location}
		left, ok := avail[k]
		if !ok {
			return bad("allocated %s at %q, which has no stock level", a.SKU, a.Location)
		}
		if a.Quantity > left {
			return bad("allocated %d of %s at %q, where %d are available", a.Quantity, a.SKU, a.Location, left)
		}
		avail[k] = left - a.Quantity
		got[a.SKU] += a.Quantity
	}
	for sku, q := range want {
		if got[sku] != q {
			return bad("allocated %d of %s for a line of %d", got[sku], sku, q)
		}
	}
	return nil
}
