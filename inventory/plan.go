package inventory

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// plan computes a Change from the locked stock a store handed over: the
// new levels, their ledger movements and the stock-level crossings
// they cause. It is where the level invariants are enforced before any
// store's constraints would.
type plan struct {
	now        time.Time
	levels     map[levelKey]Level
	changed    map[levelKey]bool
	before     map[string]int // available per SKU with a level when the write began
	untracked  bool           // Options.Untracked: a SKU without a level sells without limit
	thresholds map[string]int
	defaultLow int
	movements  []Movement
}

func (s *Service) newPlan(stock Stock, now time.Time) *plan {
	p := &plan{
		now:        now,
		levels:     make(map[levelKey]Level, len(stock.Levels)),
		changed:    map[levelKey]bool{},
		before:     map[string]int{},
		thresholds: stock.Thresholds,
		defaultLow: s.opts.LowStockThreshold,
		untracked:  s.opts.Untracked,
	}
	for _, l := range stock.Levels {
		p.levels[l.key()] = l
		p.before[l.SKU] += max(l.Available(), 0)
	}
	return p
}

// level returns the current (planned) level, or a zero one if none exists.
func (p *plan) level(sku, location string) (Level, bool) {
	l, ok := p.levels[levelKey{sku, location}]
	if !ok {
		l = Level{SKU: sku, Location: location}
	}
	return l, ok
}

// move changes one level by the deltas and records the movement. Only
// admin adjustments may create a level (create); any other write naming a
// level that does not exist, or leaving a level outside
// 0 <= Reserved <= OnHand <= MaxQuantity, fails with a *levelError.
func (p *plan) move(sku, location string, onHand, reserved int, kind MovementKind, reason string, id commerce.ReservationID, create bool) error {
	l, ok := p.level(sku, location)
	if !ok && !create {
		return &levelError{l, fmt.Sprintf("no stock level at location %q", location)}
	}
	l.OnHand += onHand
	l.Reserved += reserved
	switch {
	case l.OnHand < 0:
		return &levelError{l, fmt.Sprintf("it would leave %d on hand", l.OnHand)}
	case l.OnHand > MaxQuantity:
		return &levelError{l, fmt.Sprintf("it would leave %d on hand, more than %d", l.OnHand, MaxQuantity)}
	case l.Reserved < 0:
		return &levelError{l, fmt.Sprintf("it would leave %d reserved", l.Reserved)}
	case l.Reserved > l.OnHand:
		return &levelError{l, fmt.Sprintf("%d units are reserved but only %d would be on hand", l.Reserved, l.OnHand)}
	}
	l.UpdatedAt = p.now
	p.levels[l.key()] = l
	p.changed[l.key()] = true
	p.movements = append(p.movements, Movement{
		SKU: sku, Location: location, OnHandDelta: onHand, ReservedDelta: reserved,
		Kind: kind, Reason: reason, ReservationID: id, At: p.now,
	})
	return nil
}

// create adds an empty level of sku at location, which does not exist,
// with no movement: nothing moved.
func (p *plan) create(sku, location string) {
	l := Level{SKU: sku, Location: location, UpdatedAt: p.now}
	p.levels[l.key()] = l
	p.changed[l.key()] = true
}

// change returns the Change of the plan: the changed levels, the
// movements, events followed by the stock crossings, and reservations.
func (p *plan) change(reservations []Reservation, events ...commerce.Envelope) Change {
	var levels []Level
	after := map[string]int{}
	for k := range p.changed {
		levels = append(levels, p.levels[k])
	}
	slices.SortFunc(levels, func(a, b Level) int {
		if c := strings.Compare(a.SKU, b.SKU); c != 0 {
			return c
		}
		return strings.Compare(a.Location, b.Location)
	})
	var skus []string
	for _, l := range levels {
		if _, seen := after[l.SKU]; !seen {
			skus = append(skus, l.SKU)
			after[l.SKU] = 0
		}
	}
	for k, l := range p.levels {
		if _, touched := after[k.sku]; touched {
			after[k.sku] += max(l.Available(), 0)
		}
	}
	for _, sku := range skus {
		before, tracked := p.before[sku]
		if !tracked && p.untracked {
			// The SKU's first level ends its unlimited stock: it is low,
			// or out of stock, from above any threshold, and never back
			// in stock, as it was never out.
			before = math.MaxInt
		}
		now := after[sku]
		threshold, ok := p.thresholds[sku]
		if !ok {
			threshold = p.defaultLow
		}
		if threshold >= 0 && before > threshold && now <= threshold {
			events = append(events, commerce.NewEnvelope(sku, p.now, LowStock{SKU: sku, Available: now, Threshold: threshold}))
		}
		if before > 0 && now == 0 {
			events = append(events, commerce.NewEnvelope(sku, p.now, OutOfStock{SKU: sku}))
		}
		if before == 0 && now > 0 {
			events = append(events, commerce.NewEnvelope(sku, p.now, BackInStock{SKU: sku, Available: now}))
		}
	}
	return Change{Levels: levels, Reservations: reservations, Movements: p.movements, Events: events}
}

// levelError is a write that would break a level's invariants.
type levelError struct {
	level  Level
	reason string
}

func (e *levelError) Error() string {
	return fmt.Sprintf("stock of %s at %s: %s", e.level.SKU, e.level.Location, e.reason)
}
