package memory

import (
	"context"
	"sort"
	"sync"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// NotifyStore is the in-memory notify.Store. One mutex serialises every
// operation, which is what makes Claim atomic.
type NotifyStore struct {
	mu     sync.Mutex
	byID   map[commerce.NotificationID]*notify.Delivery
	byKey  map[notify.DeliveryKey]commerce.NotificationID
	orders map[commerce.OrderID][]commerce.NotificationID
	custs  map[commerce.CustomerID][]commerce.NotificationID
}

// NewNotifyStore returns an empty store. opts is accepted for symmetry
// with the other stores; notify publishes no events.
func NewNotifyStore(opts *Options) *NotifyStore {
	_ = opts
	return &NotifyStore{
		byID:   make(map[commerce.NotificationID]*notify.Delivery),
		byKey:  make(map[notify.DeliveryKey]commerce.NotificationID),
		orders: make(map[commerce.OrderID][]commerce.NotificationID),
		custs:  make(map[commerce.CustomerID][]commerce.NotificationID),
	}
}

var _ notify.Store = (*NotifyStore)(nil)

// Claim implements notify.Store.
func (s *NotifyStore) Claim(_ context.Context, key notify.DeliveryKey, d notify.Delivery) (notify.Delivery, bool, error) {
	if d.Key() != key {
		return notify.Delivery{}, false, commerce.Errorf(commerce.CodeInvalidArgument, "memory: delivery does not match its key")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.byKey[key]; ok {
		cur := s.byID[id]
		takeover := cur.Status == notify.StatusFailedTransient ||
			(cur.Status == notify.StatusPending && !cur.LeaseUntil.After(d.UpdatedAt))
		if !takeover {
			return *cur, false, nil
		}
		cur.Status, cur.LeaseUntil, cur.UpdatedAt = notify.StatusPending, d.LeaseUntil, d.UpdatedAt
		return *cur, true, nil
	}
	if _, dup := s.byID[d.ID]; dup {
		return notify.Delivery{}, false, commerce.Errorf(commerce.CodeConflict, "memory: delivery %s exists", d.ID)
	}
	stored := d
	s.byID[d.ID] = &stored
	s.byKey[key] = d.ID
	if !d.OrderID.IsZero() {
		s.orders[d.OrderID] = append(s.orders[d.OrderID], d.ID)
	}
	if !d.CustomerID.IsZero() {
		s.custs[d.CustomerID] = append(s.custs[d.CustomerID], d.ID)
	}
	return stored, true, nil
}

// Record implements notify.Store.
func (s *NotifyStore) Record(_ context.Context, id commerce.NotificationID, out notify.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.byID[id]
	if !ok {
		return commerce.Errorf(commerce.CodeNotFound, "memory: delivery %s not found", id)
	}
	if d.Status == notify.StatusSent {
		return nil
	}
	d.Status, d.Attempts, d.LastError, d.ProviderRef, d.UpdatedAt = out.Status, out.Attempts, out.LastError, out.ProviderRef, out.At
	return nil
}

// ListByOrder implements notify.Store.
func (s *NotifyStore) ListByOrder(_ context.Context, orderID commerce.OrderID, page commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.page(s.orders[orderID], page)
}

// ListByCustomer implements notify.Store.
func (s *NotifyStore) ListByCustomer(_ context.Context, customerID commerce.CustomerID, page commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.page(s.custs[customerID], page)
}

// page returns one page of ids' deliveries ordered by (CreatedAt, ID).
// The caller holds the lock.
func (s *NotifyStore) page(ids []commerce.NotificationID, page commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
	out := commerce.Page[notify.Delivery]{Items: []notify.Delivery{}}
	page, err := page.Normalize()
	if err != nil {
		return out, err
	}
	var after *notify.LogCursor
	if page.Cursor != "" {
		var c notify.LogCursor
		if err := commerce.DecodeCursor(page.Cursor, &c); err != nil {
			return out, err
		}
		after = &c
	}
	all := make([]notify.Delivery, 0, len(ids))
	for _, id := range ids {
		all = append(all, *s.byID[id])
	}
	sort.Slice(all, func(i, j int) bool { return logLess(all[i], all[j]) })
	for _, d := range all {
		if after != nil && !logAfter(d, *after) {
			continue
		}
		if len(out.Items) == page.Limit {
			last := out.Items[len(out.Items)-1]
			out.NextCursor, err = commerce.EncodeCursor(notify.LogCursor{CreatedAt: last.CreatedAt.UnixMicro(), ID: last.ID})
			return out, err
		}
		out.Items = append(out.Items, d)
	}
	return out, nil
}

func logLess(a, b notify.Delivery) bool {
	if ua, ub := a.CreatedAt.UnixMicro(), b.CreatedAt.UnixMicro(); ua != ub {
		return ua < ub
	}
	return a.ID < b.ID
}

func logAfter(d notify.Delivery, c notify.LogCursor) bool {
	if u := d.CreatedAt.UnixMicro(); u != c.CreatedAt {
		return u > c.CreatedAt
	}
	return d.ID > c.ID
}
