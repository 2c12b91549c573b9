package customer

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Store persists customers, their sessions and their password-reset
// tokens. Implementations are safe for concurrent use, return copies the
// caller may modify, and do not validate business rules (the Service
// does); they classify their errors with commerce codes. Events passed to
// a write are committed with it: published if and only if the write
// happened.
type Store interface {
	// Create inserts c, whose Email is already normalised. It fails with
	// Conflict when a customer with c's ID or e-mail exists. The check is
	// atomic with the insert (a unique constraint, not a read before the
	// write), so of concurrent Creates for one e-mail exactly one succeeds.
	Create(ctx context.Context, c Customer, events []commerce.Envelope) error

	// Get returns the customer with id, or NotFound.
	Get(ctx context.Context, id commerce.CustomerID) (Customer, error)

	// GetByEmail returns the customer whose normalised e-mail is email
	// (compared exactly: the caller normalises), or NotFound.
	GetByEmail(ctx context.Context, email string) (Customer, error)

	// Update reads the customer with id, lets fn change it, and stores the
	// result with the events fn returns, all atomically: concurrent
	// Updates of one customer are serialised and none is lost. fn may be
	// called once and must not do remote I/O. If fn returns an error,
	// nothing is written and that error is returned unchanged. fn must not
	// change the ID; a changed Email that another customer holds fails
	// with Conflict. Update returns the stored customer, or NotFound.
	Update(ctx context.Context, id commerce.CustomerID, fn func(*Customer) ([]commerce.Envelope, error)) (Customer, error)

	// CreateSession stores a new session. It fails with Conflict when the
	// ID exists and with NotFound or FailedPrecondition when the customer
	// does not.
	CreateSession(ctx context.Context, s SessionRecord) error

	// GetSession returns the session with id, revoked or expired ones
	// included (the Service judges them), or NotFound.
	GetSession(ctx context.Context, id commerce.SessionID) (SessionRecord, error)

	// RevokeSession marks the session revoked at at. Revoking a revoked
	// session succeeds and keeps the first revocation time. It returns
	// NotFound for an unknown session.
	RevokeSession(ctx context.Context, id commerce.SessionID, at time.Time) error

	// RevokeSessions marks every session of the customer that is not yet
	// revoked as revoked at at. A customer without sessions is no error.
	RevokeSessions(ctx context.Context, customerID commerce.CustomerID, at time.Time) error

	// CreatePasswordReset stores r with its events (which carry the token
	// to the notifier). It fails with Conflict when r.TokenHash exists and
	// with NotFound or FailedPrecondition when the customer does not.
	CreatePasswordReset(ctx context.Context, r PasswordReset, events []commerce.Envelope) error

	// ConsumePasswordReset atomically marks the reset whose token hash is
	// tokenHash as used at now and returns its customer, provided it
	// exists, is unused and expires after now. Otherwise it returns
	// NotFound and changes nothing. Of concurrent calls for one token,
	// exactly one succeeds.
	ConsumePasswordReset(ctx context.Context, tokenHash []byte, now time.Time) (commerce.CustomerID, error)

	// CompletePasswordReset does a whole password reset in one atomic
	// step: it consumes the reset whose token hash is tokenHash as
	// ConsumePasswordReset does, marks every other unused reset of the
	// same customer used at now (an older e-mail's token must not take the
	// account back), sets the customer's PasswordHash to passwordHash and
	// UpdatedAt to now, and revokes every session of the customer not yet
	// revoked, at now. It returns the customer's ID. An unknown, used or
	// expired token is NotFound, a guest customer FailedPrecondition, and
	// then nothing changes. Of concurrent calls for one token, exactly one
	// succeeds.
	CompletePasswordReset(ctx context.Context, tokenHash []byte, now time.Time, passwordHash string) (commerce.CustomerID, error)
}

// SessionRecord is the stored side of a login: the token names it by ID,
// so a session can be revoked before its token expires.
type SessionRecord struct {
	ID         commerce.SessionID  `json:"id"`
	CustomerID commerce.CustomerID `json:"customer_id"`
	CreatedAt  time.Time           `json:"created_at"`
	ExpiresAt  time.Time           `json:"expires_at"`
	// RevokedAt is zero while the session is not revoked.
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Active reports whether the session may still be used at now.
func (s SessionRecord) Active(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt)
}

// PasswordReset is a stored password-reset request. Only the SHA-256 of
// the token is kept, so a leaked table does not let anyone reset
// passwords.
type PasswordReset struct {
	// TokenHash is the SHA-256 of the token (32 bytes).
	TokenHash  []byte              `json:"-"`
	CustomerID commerce.CustomerID `json:"customer_id"`
	CreatedAt  time.Time           `json:"created_at"`
	ExpiresAt  time.Time           `json:"expires_at"`
	// UsedAt is zero until the token is consumed.
	UsedAt time.Time `json:"used_at,omitzero"`
}
