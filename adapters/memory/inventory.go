package memory

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// InventoryStore is an inventory.Store in process memory. One mutex
// serialises every write, which is the strongest form of the port's
// locking; the closure runs under it, then the change is applied, the lock
// released, and the events published.
//
// A write whose context has ended by the time the closure returns is
// abandoned (Unavailable) and changes nothing. A write whose events the
// publisher refuses stays applied and returns Unavailable: retrying it is
// safe, because every inventory write is idempotent (Reserve by
// reservation ID, Release/Deduct/Restock by status).
type InventoryStore struct {
	opts *Options

	mu           sync.Mutex
	levels       map[string]map[string]inventory.Level // sku -> location -> level
	thresholds   map[string]int
	reservations map[commerce.ReservationID]inventory.Reservation
	movements    map[string][]inventory.Movement // sku -> ledger
	lastMovement int64
}

var _ inventory.Store = (*InventoryStore)(nil)

// NewInventoryStore returns an empty InventoryStore.
func NewInventoryStore(opts *Options) *InventoryStore {
	return &InventoryStore{
		opts:         opts,
		levels:       map[string]map[string]inventory.Level{},
		thresholds:   map[string]int{},
		reservations: map[commerce.ReservationID]inventory.Reservation{},
		movements:    map[string][]inventory.Movement{},
	}
}

// CreateReservation implements inventory.Store.
func (s *InventoryStore) CreateReservation(ctx context.Context, res inventory.Reservation, fn func(inventory.Stock) (inventory.Change, error)) (*inventory.Reservation, error) {
	s.mu.Lock()
	if existing, ok := s.reservations[res.ID]; ok {
		s.mu.Unlock()
		c := existing.Clone()
		return &c, nil
	}
	skus := make([]string, len(res.Lines))
	for i, l := range res.Lines {
		skus[i] = l.SKU
	}
	events, err := s.applyLocked(ctx, "reserve", skus, fn)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return nil, publish(ctx, s.opts.publisher(), events)
}

// UpdateReservation implements inventory.Store.
func (s *InventoryStore) UpdateReservation(ctx context.Context, id commerce.ReservationID, fn func(inventory.Reservation, inventory.Stock) (inventory.Change, error)) error {
	s.mu.Lock()
	res, ok := s.reservations[id]
	if !ok {
		s.mu.Unlock()
		return commerce.Errorf(commerce.CodeNotFound, "memory: reservation %s not found", id)
	}
	events, err := s.applyLocked(ctx, "update reservation", skusOf([]inventory.Reservation{res}), func(stock inventory.Stock) (inventory.Change, error) {
		return fn(res.Clone(), stock)
	})
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return publish(ctx, s.opts.publisher(), events)
}

// ExpireReservations implements inventory.Store.
func (s *InventoryStore) ExpireReservations(ctx context.Context, now time.Time, limit int, fn func([]inventory.Reservation, inventory.Stock) (inventory.Change, error)) (int, error) {
	s.mu.Lock()
	var due []inventory.Reservation
	for _, r := range s.reservations {
		if r.Status == inventory.StatusReserved && !r.ExpiresAt.After(now) {
			due = append(due, r.Clone())
		}
	}
	slices.SortFunc(due, func(a, b inventory.Reservation) int {
		if c := a.ExpiresAt.Compare(b.ExpiresAt); c != 0 {
			return c
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
	if len(due) > limit {
		due = due[:limit]
	}
	if len(due) == 0 {
		s.mu.Unlock()
		return 0, nil
	}
	events, err := s.applyLocked(ctx, "expire reservations", skusOf(due), func(stock inventory.Stock) (inventory.Change, error) {
		return fn(due, stock)
	})
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return len(due), publish(ctx, s.opts.publisher(), events)
}

// UpdateStock implements inventory.Store.
func (s *InventoryStore) UpdateStock(ctx context.Context, sku string, fn func(inventory.Stock) (inventory.Change, error)) error {
	s.mu.Lock()
	events, err := s.applyLocked(ctx, "update stock", []string{sku}, fn)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return publish(ctx, s.opts.publisher(), events)
}

// applyLocked hands fn the stock of skus and applies its change. s.mu must
// be held. It returns the change's events for publishing after unlock.
func (s *InventoryStore) applyLocked(ctx context.Context, doing string, skus []string, fn func(inventory.Stock) (inventory.Change, error)) ([]commerce.Envelope, error) {
	if err := ctx.Err(); err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "memory: %s: %w", doing, err)
	}
	stock := inventory.Stock{Thresholds: map[string]int{}}
	slices.Sort(skus)
	for _, sku := range slices.Compact(skus) {
		stock.Levels = append(stock.Levels, s.levelsLocked(sku)...)
		if t, ok := s.thresholds[sku]; ok {
			stock.Thresholds[sku] = t
		}
	}
	change, err := fn(stock)
	if err != nil {
		return nil, err
	}
	// A caller that gave up while the closure ran gets nothing applied,
	// as a database transaction would roll back.
	if err := ctx.Err(); err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "memory: %s: %w", doing, err)
	}
	for _, l := range change.Levels {
		if s.levels[l.SKU] == nil {
			s.levels[l.SKU] = map[string]inventory.Level{}
		}
		s.levels[l.SKU][l.Location] = l
	}
	for _, r := range change.Reservations {
		s.reservations[r.ID] = r.Clone()
	}
	for sku, t := range change.Thresholds {
		s.thresholds[sku] = t
	}
	for _, m := range change.Movements {
		s.lastMovement++
		m.ID = s.lastMovement
		s.movements[m.SKU] = append(s.movements[m.SKU], m)
	}
	return change.Events, nil
}

// levelsLocked returns the levels of sku sorted by location.
func (s *InventoryStore) levelsLocked(sku string) []inventory.Level {
	out := make([]inventory.Level, 0, len(s.levels[sku]))
	for _, l := range s.levels[sku] {
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b inventory.Level) int { return strings.Compare(a.Location, b.Location) })
	return out
}

func skusOf(list []inventory.Reservation) []string {
	var skus []string
	for _, r := range list {
		for _, a := range r.Allocations {
			skus = append(skus, a.SKU)
		}
	}
	return skus
}

// Reservation implements inventory.Store.
func (s *InventoryStore) Reservation(_ context.Context, id commerce.ReservationID) (inventory.Reservation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.reservations[id]
	if !ok {
		return inventory.Reservation{}, commerce.Errorf(commerce.CodeNotFound, "memory: reservation %s not found", id)
	}
	return r.Clone(), nil
}

// Levels implements inventory.Store.
func (s *InventoryStore) Levels(_ context.Context, sku string) ([]inventory.Level, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.levelsLocked(sku), nil
}

// Movements implements inventory.Store.
func (s *InventoryStore) Movements(_ context.Context, sku string, afterID int64, limit int) ([]inventory.Movement, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ledger := s.movements[sku]
	i, _ := slices.BinarySearchFunc(ledger, afterID+1, func(m inventory.Movement, id int64) int {
		switch {
		case m.ID < id:
			return -1
		case m.ID > id:
			return 1
		}
		return 0
	})
	out := make([]inventory.Movement, 0, min(limit, len(ledger)-i))
	for _, m := range ledger[i:] {
		if len(out) == limit {
			break
		}
		out = append(out, m)
	}
	return out, nil
}
