package memory

import (
	"context"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// CustomerStore is a customer.Store in process memory.
type CustomerStore struct {
	opts *Options

	mu        sync.Mutex
	customers map[commerce.CustomerID]customer.Customer
	byEmail   map[string]commerce.CustomerID
	sessions  map[commerce.SessionID]customer.SessionRecord
	resets    map[string]customer.PasswordReset // by string(TokenHash)
}

var _ customer.Store = (*CustomerStore)(nil)

// NewCustomerStore returns an empty CustomerStore. A nil opts is the zero
// value.
func NewCustomerStore(opts *Options) *CustomerStore {
	return &CustomerStore{
		opts:      opts,
		customers: map[commerce.CustomerID]customer.Customer{},
		byEmail:   map[string]commerce.CustomerID{},
		sessions:  map[commerce.SessionID]customer.SessionRecord{},
		resets:    map[string]customer.PasswordReset{},
	}
}

func customerNotFound(what string) error {
	return commerce.Errorf(commerce.CodeNotFound, "memory: %s not found", what)
}

// Create implements customer.Store.
func (s *CustomerStore) Create(ctx context.Context, c customer.Customer, events []commerce.Envelope) error {
	if err := ctx.Err(); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: create customer: %w", err)
	}
	s.mu.Lock()
	if _, ok := s.customers[c.ID]; ok {
		s.mu.Unlock()
		return commerce.Errorf(commerce.CodeConflict, "memory: customer %s already exists", c.ID)
	}
	if _, ok := s.byEmail[c.Email]; ok {
		s.mu.Unlock()
		return commerce.Errorf(commerce.CodeConflict, "memory: a customer with this email already exists").WithDetail("field", "email")
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return err
	}
	s.customers[c.ID] = c.Clone()
	s.byEmail[c.Email] = c.ID
	s.mu.Unlock()
	return nil
}

// Get implements customer.Store.
func (s *CustomerStore) Get(ctx context.Context, id commerce.CustomerID) (customer.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok {
		return customer.Customer{}, customerNotFound("customer " + id.String())
	}
	return c.Clone(), nil
}

// GetByEmail implements customer.Store.
func (s *CustomerStore) GetByEmail(ctx context.Context, email string) (customer.Customer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byEmail[email]
	if !ok {
		return customer.Customer{}, customerNotFound("customer with this email")
	}
	return s.customers[id].Clone(), nil
}

// Update implements customer.Store. fn runs under the store's lock.
func (s *CustomerStore) Update(ctx context.Context, id commerce.CustomerID, fn func(*customer.Customer) ([]commerce.Envelope, error)) (customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return customer.Customer{}, commerce.Errorf(commerce.CodeUnavailable, "memory: update customer: %w", err)
	}
	s.mu.Lock()
	old, ok := s.customers[id]
	if !ok {
		s.mu.Unlock()
		return customer.Customer{}, customerNotFound("customer " + id.String())
	}
	c := old.Clone()
	events, err := fn(&c)
	if err != nil {
		s.mu.Unlock()
		return customer.Customer{}, err
	}
	if c.ID != id {
		s.mu.Unlock()
		return customer.Customer{}, commerce.Errorf(commerce.CodeInvalidArgument, "memory: update must not change the customer ID")
	}
	if _, taken := s.byEmail[c.Email]; taken && c.Email != old.Email {
		s.mu.Unlock()
		return customer.Customer{}, commerce.Errorf(commerce.CodeConflict, "memory: a customer with this email already exists").WithDetail("field", "email")
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return customer.Customer{}, err
	}
	if c.Email != old.Email {
		delete(s.byEmail, old.Email)
		s.byEmail[c.Email] = id
	}
	s.customers[id] = c.Clone()
	s.mu.Unlock()
	return c, nil
}

// CreateSession implements customer.Store.
func (s *CustomerStore) CreateSession(ctx context.Context, rec customer.SessionRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.customers[rec.CustomerID]; !ok {
		return customerNotFound("customer " + rec.CustomerID.String())
	}
	if _, ok := s.sessions[rec.ID]; ok {
		return commerce.Errorf(commerce.CodeConflict, "memory: session %s already exists", rec.ID)
	}
	s.sessions[rec.ID] = rec
	return nil
}

// GetSession implements customer.Store.
func (s *CustomerStore) GetSession(ctx context.Context, id commerce.SessionID) (customer.SessionRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.sessions[id]
	if !ok {
		return customer.SessionRecord{}, customerNotFound("session " + id.String())
	}
	return rec, nil
}

// RevokeSession implements customer.Store.
func (s *CustomerStore) RevokeSession(ctx context.Context, id commerce.SessionID, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.sessions[id]
	if !ok {
		return customerNotFound("session " + id.String())
	}
	if rec.RevokedAt.IsZero() {
		rec.RevokedAt = at
		s.sessions[id] = rec
	}
	return nil
}

// RevokeSessions implements customer.Store. It scans every session: the
// memory store is for small shops and tests.
func (s *CustomerStore) RevokeSessions(ctx context.Context, customerID commerce.CustomerID, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, rec := range s.sessions {
		if rec.CustomerID == customerID && rec.RevokedAt.IsZero() {
			rec.RevokedAt = at
			s.sessions[id] = rec
		}
	}
	return nil
}

// CreatePasswordReset implements customer.Store.
func (s *CustomerStore) CreatePasswordReset(ctx context.Context, r customer.PasswordReset, events []commerce.Envelope) error {
	if err := ctx.Err(); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: create password reset: %w", err)
	}
	s.mu.Lock()
	if _, ok := s.customers[r.CustomerID]; !ok {
		s.mu.Unlock()
		return customerNotFound("customer " + r.CustomerID.String())
	}
	key := string(r.TokenHash)
	if _, ok := s.resets[key]; ok {
		s.mu.Unlock()
		return commerce.Errorf(commerce.CodeConflict, "memory: password reset token already exists")
	}
	if err := publish(ctx, s.opts.publisher(), events); err != nil {
		s.mu.Unlock()
		return err
	}
	r.TokenHash = append([]byte(nil), r.TokenHash...)
	s.resets[key] = r
	s.mu.Unlock()
	return nil
}

// ConsumePasswordReset implements customer.Store.
func (s *CustomerStore) ConsumePasswordReset(ctx context.Context, tokenHash []byte, now time.Time) (commerce.CustomerID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(tokenHash)
	r, ok := s.resets[key]
	if !ok || !r.UsedAt.IsZero() || !now.Before(r.ExpiresAt) {
		return "", customerNotFound("usable password reset")
	}
	r.UsedAt = now
	s.resets[key] = r
	return r.CustomerID, nil
}

// CompletePasswordReset implements customer.Store: every change happens
// under one hold of the store's lock.
func (s *CustomerStore) CompletePasswordReset(ctx context.Context, tokenHash []byte, now time.Time, passwordHash string) (commerce.CustomerID, error) {
	if err := ctx.Err(); err != nil {
		return "", commerce.Errorf(commerce.CodeUnavailable, "memory: complete password reset: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.resets[string(tokenHash)]
	if !ok || !r.UsedAt.IsZero() || !now.Before(r.ExpiresAt) {
		return "", customerNotFound("usable password reset")
	}
	c, ok := s.customers[r.CustomerID]
	if !ok {
		return "", customerNotFound("customer " + r.CustomerID.String())
	}
	if c.Guest {
		return "", commerce.Errorf(commerce.CodeFailedPrecondition, "memory: complete password reset: a guest has no password")
	}
	for k, other := range s.resets {
		if other.CustomerID == r.CustomerID && other.UsedAt.IsZero() {
			other.UsedAt = now
			s.resets[k] = other
		}
	}
	c.PasswordHash = passwordHash
	c.UpdatedAt = now
	s.customers[c.ID] = c
	for id, rec := range s.sessions {
		if rec.CustomerID == c.ID && rec.RevokedAt.IsZero() {
			rec.RevokedAt = now
			s.sessions[id] = rec
		}
	}
	return c.ID, nil
}

// PurgeSessions implements customer.Purger.
func (s *CustomerStore) PurgeSessions(ctx context.Context, before time.Time, limit int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, rec := range s.sessions {
		if n == limit {
			break
		}
		if !rec.ExpiresAt.After(before) || (!rec.RevokedAt.IsZero() && !rec.RevokedAt.After(before)) {
			delete(s.sessions, id)
			n++
		}
	}
	return n, nil
}

// PurgePasswordResets implements customer.Purger.
func (s *CustomerStore) PurgePasswordResets(ctx context.Context, before time.Time, limit int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for key, r := range s.resets {
		if n == limit {
			break
		}
		if !r.ExpiresAt.After(before) || (!r.UsedAt.IsZero() && !r.UsedAt.After(before)) {
			delete(s.resets, key)
			n++
		}
	}
	return n, nil
}
