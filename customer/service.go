package customer

import (
	"context"
	"errors"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Service carries every rule about customers: validation, credentials,
// sessions, password resets and events. It is safe for concurrent use.
type Service struct {
	store Store
	opts  Options
	// dummyHash is verified against when there is no real hash to check
	// (unknown e-mail, guest), so that a failed login costs the same time
	// whether or not the account exists.
	dummyHash string
	// hashing bounds the argon2id hashes running at once.
	hashing hashSlots
}

// NewService returns a Service over store. A nil opts takes the defaults
// documented on Options; invalid options are an InvalidArgument error.
func NewService(store Store, opts *Options) (*Service, error) {
	if store == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "customer: NewService needs a store")
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	dummy, err := hashPassword("mercato dummy password", o.Password)
	if err != nil {
		return nil, err
	}
	return &Service{store: store, opts: o, dummyHash: dummy, hashing: newHashSlots(o.MaxConcurrentHashes, o.HashWait)}, nil
}

func (s *Service) now() time.Time { return s.opts.Clock.Now() }

// EnsureGuest returns the customer with email, registered or guest, or
// creates a guest customer with it. Checkout calls it for buyers who do
// not log in. Concurrent calls for one e-mail return the same customer.
func (s *Service) EnsureGuest(ctx context.Context, email string) (Customer, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return Customer{}, err
	}
	c, err := s.store.GetByEmail(ctx, e)
	if err == nil {
		return c.public(), nil
	}
	if !errors.Is(err, commerce.ErrNotFound) {
		return Customer{}, err
	}
	now := s.now()
	guest := Customer{
		ID:          s.opts.IDs.NewCustomerID(e),
		Email:       e,
		Addresses:   []commerce.Address{},
		Preferences: DefaultPreferences(),
		Guest:       true,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	err = s.store.Create(ctx, guest, nil)
	if errors.Is(err, commerce.ErrConflict) {
		// Another request created the customer first: it is the answer.
		c, err = s.store.GetByEmail(ctx, e)
		if err != nil {
			return Customer{}, err
		}
		return c.public(), nil
	}
	if err != nil {
		return Customer{}, err
	}
	return guest.public(), nil
}

// RegisterInput is what a customer gives to open an account.
type RegisterInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Phone    string `json:"phone,omitempty"`
}

// Register opens an account. A guest with the same e-mail is upgraded in
// place (same ID, so its orders stay with it); an e-mail that already has
// an account is a Conflict. That Conflict tells whoever registers that the
// e-mail has an account: accepted for a shop, which must say why the
// registration failed, but it makes registration the one place an account
// can be probed (throttle it at the edge if that matters). Login and
// password reset reveal nothing and take the same time either way. Bad
// input is InvalidArgument. It publishes
// customer.registered.
func (s *Service) Register(ctx context.Context, in RegisterInput) (Customer, error) {
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		return Customer{}, err
	}
	name, err := normalizeName(in.Name)
	if err != nil {
		return Customer{}, err
	}
	phone, err := normalizePhone(in.Phone)
	if err != nil {
		return Customer{}, err
	}
	if err := s.checkPassword(in.Password); err != nil {
		return Customer{}, err
	}
	// Hash before touching the store: hashing takes tens of milliseconds
	// and must not hold a row lock.
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return Customer{}, err
	}
	taken := func() error {
		return commerce.Errorf(commerce.CodeConflict, "customer: an account with this email already exists").WithDetail("field", "email")
	}
	// Two rounds: a guest created between our read and our insert turns
	// the insert into a Conflict, and the second round upgrades it.
	for range 2 {
		existing, err := s.store.GetByEmail(ctx, email)
		switch {
		case errors.Is(err, commerce.ErrNotFound):
			now := s.now()
			c := Customer{
				ID:           s.opts.IDs.NewCustomerID(email),
				Email:        email,
				Name:         name,
				Phone:        phone,
				Addresses:    []commerce.Address{},
				Preferences:  DefaultPreferences(),
				CreatedAt:    now,
				UpdatedAt:    now,
				PasswordHash: hash,
			}
			ev := commerce.NewEnvelope(c.ID.String(), now, Registered{CustomerID: c.ID, Email: email, Name: name})
			err := s.store.Create(ctx, c, []commerce.Envelope{ev})
			if errors.Is(err, commerce.ErrConflict) {
				continue
			}
			if err != nil {
				return Customer{}, err
			}
			return c.public(), nil
		case err != nil:
			return Customer{}, err
		case !existing.Guest:
			return Customer{}, taken()
		}
		updated, err := s.store.Update(ctx, existing.ID, func(c *Customer) ([]commerce.Envelope, error) {
			if !c.Guest {
				return nil, taken()
			}
			now := s.now()
			c.Guest = false
			c.PasswordHash = hash
			c.Name = name
			if phone != "" {
				c.Phone = phone
			}
			c.UpdatedAt = now
			return []commerce.Envelope{commerce.NewEnvelope(c.ID.String(), now,
				Registered{CustomerID: c.ID, Email: c.Email, Name: name, WasGuest: true})}, nil
		})
		if err != nil {
			return Customer{}, err
		}
		return updated.public(), nil
	}
	return Customer{}, taken()
}

// checkPassword applies the password rules to a new password.
func (s *Service) checkPassword(password string) error {
	invalid := func(format string, args ...any) error {
		return commerce.Errorf(commerce.CodeInvalidArgument, "customer: password "+format, args...).WithDetail("field", "password")
	}
	switch n := len([]rune(password)); {
	case password == "":
		return invalid("is required")
	case len(password) > MaxPasswordLength:
		return invalid("is longer than %d bytes", MaxPasswordLength)
	case n < s.opts.MinPasswordLength:
		return invalid("must have at least %d characters", s.opts.MinPasswordLength)
	}
	return nil
}

// Get returns the customer with id, or NotFound.
func (s *Service) Get(ctx context.Context, id commerce.CustomerID) (Customer, error) {
	if err := id.Validate(); err != nil {
		return Customer{}, commerce.Errorf(commerce.CodeInvalidArgument, "customer: %w", err)
	}
	c, err := s.store.Get(ctx, id)
	if err != nil {
		return Customer{}, err
	}
	return c.public(), nil
}

// GetByEmail returns the customer with email (compared after
// normalisation, so case does not matter), or NotFound.
func (s *Service) GetByEmail(ctx context.Context, email string) (Customer, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return Customer{}, err
	}
	c, err := s.store.GetByEmail(ctx, e)
	if err != nil {
		return Customer{}, err
	}
	return c.public(), nil
}

// UpdateInput changes a customer's profile. Nil fields stay as they are.
type UpdateInput struct {
	Name  *string `json:"name,omitempty"`
	Phone *string `json:"phone,omitempty"`
	// Addresses replaces the whole address book.
	Addresses   *[]commerce.Address `json:"addresses,omitempty"`
	Preferences *Preferences        `json:"preferences,omitempty"`
}

// Update changes the customer's profile and publishes customer.updated
// when something changed. Bad input is InvalidArgument and changes
// nothing; an unknown customer is NotFound.
func (s *Service) Update(ctx context.Context, id commerce.CustomerID, in UpdateInput) (Customer, error) {
	if err := id.Validate(); err != nil {
		return Customer{}, commerce.Errorf(commerce.CodeInvalidArgument, "customer: %w", err)
	}
	var (
		name, phone string
		addrs       []commerce.Address
		err         error
	)
	if in.Name != nil {
		if name, err = normalizeName(*in.Name); err != nil {
			return Customer{}, err
		}
	}
	if in.Phone != nil {
		if phone, err = normalizePhone(*in.Phone); err != nil {
			return Customer{}, err
		}
	}
	if in.Addresses != nil {
		if addrs, err = normalizeAddresses(*in.Addresses); err != nil {
			return Customer{}, err
		}
	}
	c, err := s.store.Update(ctx, id, func(c *Customer) ([]commerce.Envelope, error) {
		var fields []string
		if in.Name != nil && c.Name != name {
			c.Name = name
			fields = append(fields, "name")
		}
		if in.Phone != nil && c.Phone != phone {
			c.Phone = phone
			fields = append(fields, "phone")
		}
		if in.Addresses != nil && !equalAddresses(c.Addresses, addrs) {
			c.Addresses = addrs
			fields = append(fields, "addresses")
		}
		if in.Preferences != nil && c.Preferences != *in.Preferences {
			c.Preferences = *in.Preferences
			fields = append(fields, "preferences")
		}
		if len(fields) == 0 {
			return nil, nil
		}
		now := s.now()
		c.UpdatedAt = now
		return []commerce.Envelope{commerce.NewEnvelope(c.ID.String(), now,
			Updated{CustomerID: c.ID, Email: c.Email, Preferences: c.Preferences, Fields: fields})}, nil
	})
	if err != nil {
		return Customer{}, err
	}
	return c.public(), nil
}

func equalAddresses(a, b []commerce.Address) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
