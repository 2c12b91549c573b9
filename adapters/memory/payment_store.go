package memory

import (
	"context"
	"slices"
	"sync"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// PaymentStore is the in-memory payment.Store. One mutex serialises every
// write, which makes refund reservations and webhook deduplication atomic.
type PaymentStore struct {
	opts *Options

	mu       sync.Mutex
	payments map[commerce.PaymentID]payment.Payment
	byKey    map[string]commerce.PaymentID
	byRef    map[string]commerce.PaymentID // provider + "\x00" + ref
	refunds  map[commerce.RefundID]payment.Refund
	refKeys  map[string]commerce.RefundID
	webhooks map[string]struct{} // provider + "\x00" + event ID
}

// NewPaymentStore returns an empty payment store.
func NewPaymentStore(opts *Options) *PaymentStore {
	return &PaymentStore{
		opts:     opts,
		payments: map[commerce.PaymentID]payment.Payment{},
		byKey:    map[string]commerce.PaymentID{},
		byRef:    map[string]commerce.PaymentID{},
		refunds:  map[commerce.RefundID]payment.Refund{},
		refKeys:  map[string]commerce.RefundID{},
		webhooks: map[string]struct{}{},
	}
}

var _ payment.Store = (*PaymentStore)(nil)

func refKey(provider, ref string) string { return provider + "\x00" + ref }

func paymentNotFound(what string) error {
	return commerce.Errorf(commerce.CodeNotFound, "memory: payment %s not found", what)
}

// Create implements payment.Store.
func (s *PaymentStore) Create(ctx context.Context, p payment.Payment, events []commerce.Envelope) (payment.Payment, bool, error) {
	if err := ctx.Err(); err != nil {
		return payment.Payment{}, false, commerce.Errorf(commerce.CodeUnavailable, "memory: create payment: %w", err)
	}
	s.mu.Lock()
	if id, ok := s.byKey[p.IdempotencyKey]; ok {
		existing := s.payments[id]
		s.mu.Unlock()
		return existing, false, nil
	}
	if _, ok := s.payments[p.ID]; ok {
		s.mu.Unlock()
		return payment.Payment{}, false, commerce.Errorf(commerce.CodeConflict, "memory: payment %s already exists", p.ID)
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return payment.Payment{}, false, err
	}
	s.payments[p.ID] = p
	s.byKey[p.IdempotencyKey] = p.ID
	if p.ProviderRef != "" {
		s.byRef[refKey(p.Provider, p.ProviderRef)] = p.ID
	}
	s.mu.Unlock()
	return p, true, nil
}

// Get implements payment.Store.
func (s *PaymentStore) Get(_ context.Context, id commerce.PaymentID) (payment.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok {
		return payment.Payment{}, paymentNotFound(id.String())
	}
	return p, nil
}

// GetByIdempotencyKey implements payment.Store.
func (s *PaymentStore) GetByIdempotencyKey(_ context.Context, key string) (payment.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byKey[key]
	if !ok {
		return payment.Payment{}, paymentNotFound("with idempotency key " + key)
	}
	return s.payments[id], nil
}

// GetByProviderRef implements payment.Store.
func (s *PaymentStore) GetByProviderRef(_ context.Context, provider, ref string) (payment.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byRef[refKey(provider, ref)]
	if !ok || ref == "" {
		return payment.Payment{}, paymentNotFound("with reference " + ref)
	}
	return s.payments[id], nil
}

// ListByOrder implements payment.Store.
func (s *PaymentStore) ListByOrder(_ context.Context, orderID commerce.OrderID) ([]payment.Payment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []payment.Payment{}
	for _, p := range s.payments {
		if p.OrderID == orderID {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b payment.Payment) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return compareStrings(a.ID.String(), b.ID.String())
	})
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Update implements payment.Store.
func (s *PaymentStore) Update(ctx context.Context, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, error) {
	if err := ctx.Err(); err != nil {
		return payment.Payment{}, commerce.Errorf(commerce.CodeUnavailable, "memory: update payment: %w", err)
	}
	s.mu.Lock()
	p, _, err := s.applyLocked(ctx, id, fn)
	s.mu.Unlock()
	if err != nil {
		return payment.Payment{}, err
	}
	return p, nil
}

// applyLocked runs fn on a copy of the payment, publishes its events and,
// once they are published, stores the copy.
func (s *PaymentStore) applyLocked(ctx context.Context, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, []commerce.Envelope, error) {
	old, ok := s.payments[id]
	if !ok {
		return payment.Payment{}, nil, paymentNotFound(id.String())
	}
	p := old
	events, err := fn(&p)
	if err != nil {
		return payment.Payment{}, nil, err
	}
	if p.ID != old.ID || p.IdempotencyKey != old.IdempotencyKey {
		return payment.Payment{}, nil, commerce.Errorf(commerce.CodeInternal, "memory: payment update changed its identity")
	}
	if p.ProviderRef != old.ProviderRef && p.ProviderRef != "" {
		if other, taken := s.byRef[refKey(p.Provider, p.ProviderRef)]; taken && other != p.ID {
			return payment.Payment{}, nil, commerce.Errorf(commerce.CodeConflict, "memory: provider reference %s belongs to payment %s", p.ProviderRef, other)
		}
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		return payment.Payment{}, nil, err
	}
	if p.ProviderRef != old.ProviderRef {
		if p.ProviderRef != "" {
			s.byRef[refKey(p.Provider, p.ProviderRef)] = p.ID
		}
		if old.ProviderRef != "" {
			delete(s.byRef, refKey(old.Provider, old.ProviderRef))
		}
	}
	s.payments[id] = p
	return p, events, nil
}

// CreateRefund implements payment.Store.
func (s *PaymentStore) CreateRefund(ctx context.Context, r payment.Refund, check func(payment.Payment, []payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, bool, error) {
	if err := ctx.Err(); err != nil {
		return payment.Refund{}, false, commerce.Errorf(commerce.CodeUnavailable, "memory: create refund: %w", err)
	}
	s.mu.Lock()
	if id, ok := s.refKeys[r.IdempotencyKey]; ok {
		existing := s.refunds[id]
		s.mu.Unlock()
		return existing, false, nil
	}
	p, ok := s.payments[r.PaymentID]
	if !ok {
		s.mu.Unlock()
		return payment.Refund{}, false, paymentNotFound(r.PaymentID.String())
	}
	events, err := check(p, s.refundsLocked(r.PaymentID))
	if err != nil {
		s.mu.Unlock()
		return payment.Refund{}, false, err
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return payment.Refund{}, false, err
	}
	s.refunds[r.ID] = r
	s.refKeys[r.IdempotencyKey] = r.ID
	s.mu.Unlock()
	return r, true, nil
}

func (s *PaymentStore) refundsLocked(id commerce.PaymentID) []payment.Refund {
	out := []payment.Refund{}
	for _, r := range s.refunds {
		if r.PaymentID == id {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b payment.Refund) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return compareStrings(a.ID.String(), b.ID.String())
	})
	return out
}

// UpdateRefund implements payment.Store.
func (s *PaymentStore) UpdateRefund(ctx context.Context, id commerce.RefundID, fn func(*payment.Payment, *payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, error) {
	if err := ctx.Err(); err != nil {
		return payment.Refund{}, commerce.Errorf(commerce.CodeUnavailable, "memory: update refund: %w", err)
	}
	s.mu.Lock()
	r, ok := s.refunds[id]
	if !ok {
		s.mu.Unlock()
		return payment.Refund{}, commerce.Errorf(commerce.CodeNotFound, "memory: refund %s not found", id)
	}
	_, _, err := s.applyLocked(ctx, r.PaymentID, func(p *payment.Payment) ([]commerce.Envelope, error) {
		events, err := fn(p, &r)
		if err == nil && r.ID != id {
			err = commerce.Errorf(commerce.CodeInternal, "memory: refund update changed its identity")
		}
		return events, err
	})
	if err != nil {
		s.mu.Unlock()
		return payment.Refund{}, err
	}
	s.refunds[id] = r
	s.mu.Unlock()
	return r, nil
}

// GetRefund implements payment.Store.
func (s *PaymentStore) GetRefund(_ context.Context, id commerce.RefundID) (payment.Refund, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.refunds[id]
	if !ok {
		return payment.Refund{}, commerce.Errorf(commerce.CodeNotFound, "memory: refund %s not found", id)
	}
	return r, nil
}

// ListRefunds implements payment.Store.
func (s *PaymentStore) ListRefunds(_ context.Context, id commerce.PaymentID) ([]payment.Refund, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refundsLocked(id), nil
}

// ApplyWebhook implements payment.Store.
func (s *PaymentStore) ApplyWebhook(ctx context.Context, provider, eventID string, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, commerce.Errorf(commerce.CodeUnavailable, "memory: apply webhook: %w", err)
	}
	key := refKey(provider, eventID)
	s.mu.Lock()
	if _, seen := s.webhooks[key]; seen {
		s.mu.Unlock()
		return false, nil
	}
	if _, _, err := s.applyLocked(ctx, id, fn); err != nil {
		s.mu.Unlock()
		return false, err
	}
	s.webhooks[key] = struct{}{}
	s.mu.Unlock()
	return true, nil
}
