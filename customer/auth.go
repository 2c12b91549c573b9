package customer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Session is a successful login: the bearer token to send with requests
// ("Authorization: Bearer <token>"), when it expires, and who logged in.
type Session struct {
	Token     string             `json:"token"`
	ID        commerce.SessionID `json:"session_id"`
	ExpiresAt time.Time          `json:"expires_at"`
	Customer  Customer           `json:"customer"`
}

// errLogin is the one answer to every failed login, whatever failed.
func errLogin() error {
	return commerce.Errorf(commerce.CodeUnauthenticated, "customer: email or password is incorrect")
}

// Login is LoginFrom with no client address: only the per-account limit
// applies.
func (s *Service) Login(ctx context.Context, email, password string) (Session, error) {
	return s.LoginFrom(ctx, email, password, "")
}

// LoginFrom checks the customer's credentials and opens a session; client
// is the caller's network address (an IP), "" when unknown.
//
// Every failure that depends on the credentials (unknown e-mail, guest
// account, wrong password, malformed e-mail) is the same Unauthenticated
// error with the same message, reached after the same amount of hashing,
// so a caller cannot tell whether an account exists; it is logged, without
// the password. A password longer than MaxPasswordLength is
// InvalidArgument, before any hashing. Attempts are throttled per e-mail
// (Options.LoginPerAccount, counted again from zero after a success) and
// per client (Options.LoginPerClient): past either, LoginFrom is
// ResourceExhausted with retry_after_seconds in its details, without
// checking the password. Hashing waits for one of
// Options.MaxConcurrentHashes slots, and is Unavailable when none frees in
// time. A hash made with outdated parameters is replaced by one made with
// the current parameters.
func (s *Service) LoginFrom(ctx context.Context, email, password, client string) (Session, error) {
	if len(password) > MaxPasswordLength {
		return Session{}, commerce.Errorf(commerce.CodeInvalidArgument, "customer: password is longer than %d bytes", MaxPasswordLength).WithDetail("field", "password")
	}
	account := strings.ToLower(strings.TrimSpace(email))
	if e, err := NormalizeEmail(email); err == nil {
		account = e
	}
	if client != "" {
		if err := s.allow(ctx, "login-client", client, s.opts.LoginPerClient, "customer: too many login attempts from this address"); err != nil {
			s.opts.Logger.WarnContext(ctx, "customer: login throttled", "client", client, "email", account)
			return Session{}, err
		}
	}
	if err := s.allow(ctx, "login-account", account, s.opts.LoginPerAccount, "customer: too many login attempts for this account"); err != nil {
		s.opts.Logger.WarnContext(ctx, "customer: login throttled", "client", client, "email", account)
		return Session{}, err
	}
	c, err := s.lookupForLogin(ctx, email)
	if err != nil {
		return Session{}, err
	}
	hash := s.dummyHash
	if c != nil && c.PasswordHash != "" {
		hash = c.PasswordHash
	}
	ok, outdated, verr := s.verify(ctx, hash, password)
	if commerce.Code(verr) == commerce.CodeUnavailable {
		return Session{}, verr
	}
	if verr != nil {
		// Only a stored hash can be malformed; the dummy one is ours.
		if c != nil {
			s.opts.Logger.ErrorContext(ctx, "customer: unusable password hash", "customer_id", c.ID, "error", verr)
		}
		return Session{}, errLogin()
	}
	if c == nil || c.PasswordHash == "" || !ok {
		s.opts.Logger.InfoContext(ctx, "customer: failed login", "email", account, "client", client)
		return Session{}, errLogin()
	}
	if err := s.opts.Limiter.Reset(ctx, limitKey("login-account", account)); err != nil {
		s.opts.Logger.WarnContext(ctx, "customer: could not reset the login count", "customer_id", c.ID, "error", err)
	}
	if outdated {
		s.rehash(ctx, *c, password)
	}
	return s.openSession(ctx, *c)
}

// lookupForLogin returns the customer for email, nil when there is none
// (or email is malformed), or a store failure.
func (s *Service) lookupForLogin(ctx context.Context, email string) (*Customer, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return nil, nil
	}
	c, err := s.store.GetByEmail(ctx, e)
	if errors.Is(err, commerce.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// rehash replaces c's password hash with one made under the current
// parameters, unless the hash changed meanwhile. A failure is logged, not
// returned: the login itself is valid.
func (s *Service) rehash(ctx context.Context, c Customer, password string) {
	hash, err := s.hash(ctx, password)
	if err == nil {
		_, err = s.store.Update(ctx, c.ID, func(cur *Customer) ([]commerce.Envelope, error) {
			if cur.PasswordHash == c.PasswordHash {
				cur.PasswordHash = hash
			}
			return nil, nil
		})
	}
	if err != nil {
		s.opts.Logger.WarnContext(ctx, "customer: could not upgrade password hash", "customer_id", c.ID, "error", err)
	}
}

func (s *Service) openSession(ctx context.Context, c Customer) (Session, error) {
	now := s.now()
	rec := SessionRecord{
		ID:         s.opts.IDs.NewSessionID(c.ID),
		CustomerID: c.ID,
		CreatedAt:  now,
		ExpiresAt:  now.Add(s.opts.SessionTTL),
	}
	token, err := s.signToken(rec)
	if err != nil {
		return Session{}, err
	}
	if err := s.store.CreateSession(ctx, rec); err != nil {
		return Session{}, err
	}
	return Session{Token: token, ID: rec.ID, ExpiresAt: rec.ExpiresAt, Customer: c.public()}, nil
}

// Authenticate checks a session token and returns its claims. A token
// that is malformed, tampered with, signed with another algorithm or a key
// not in the ring, expired, for another issuer or audience, or whose
// session was revoked, expired or is unknown, is Unauthenticated, always
// with the same message. A failure to reach the store is Unavailable.
func (s *Service) Authenticate(ctx context.Context, token string) (Claims, error) {
	claims, err := s.parseToken(token)
	if err != nil {
		return Claims{}, err
	}
	rec, err := s.store.GetSession(ctx, claims.SessionID)
	if errors.Is(err, commerce.ErrNotFound) {
		return Claims{}, errBadToken(errors.New("unknown session"))
	}
	if err != nil {
		return Claims{}, err
	}
	if rec.CustomerID != claims.CustomerID {
		return Claims{}, errBadToken(errors.New("session belongs to another customer"))
	}
	if !rec.Active(s.now()) {
		return Claims{}, errBadToken(errors.New("session revoked or expired"))
	}
	claims.ExpiresAt = rec.ExpiresAt
	return claims, nil
}

// Logout revokes the session of token. Logging out twice succeeds; a token
// that does not authenticate is Unauthenticated.
func (s *Service) Logout(ctx context.Context, token string) error {
	claims, err := s.parseToken(token)
	if err != nil {
		return err
	}
	err = s.store.RevokeSession(ctx, claims.SessionID, s.now())
	if errors.Is(err, commerce.ErrNotFound) {
		return errBadToken(errors.New("unknown session"))
	}
	return err
}

// LogoutAll revokes every session of the customer, e.g. after a suspected
// account compromise.
func (s *Service) LogoutAll(ctx context.Context, id commerce.CustomerID) error {
	if err := id.Validate(); err != nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "customer: %w", err)
	}
	return s.store.RevokeSessions(ctx, id, s.now())
}

// ChangePassword replaces the password of a registered customer who knows
// the current one, then ends every session of the customer (the caller's
// included: log in again). A wrong current password is Unauthenticated; a
// guest is FailedPrecondition; a bad new password is InvalidArgument.
func (s *Service) ChangePassword(ctx context.Context, id commerce.CustomerID, current, newPassword string) error {
	if err := id.Validate(); err != nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "customer: %w", err)
	}
	if err := s.checkPassword(newPassword); err != nil {
		return err
	}
	c, err := s.store.Get(ctx, id)
	if err != nil {
		return err
	}
	if c.Guest || c.PasswordHash == "" {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "customer: a guest has no password to change")
	}
	wrong := commerce.Errorf(commerce.CodeUnauthenticated, "customer: current password is incorrect")
	if len(current) > MaxPasswordLength {
		return wrong
	}
	ok, _, err := s.verify(ctx, c.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return wrong
	}
	hash, err := s.hash(ctx, newPassword)
	if err != nil {
		return err
	}
	if err := s.setPassword(ctx, id, hash, c.PasswordHash); err != nil {
		return err
	}
	return s.store.RevokeSessions(ctx, id, s.now())
}

// setPassword stores hash as id's password. When expectOld is not empty
// the stored hash must still be expectOld, so that two concurrent changes
// do not both win.
func (s *Service) setPassword(ctx context.Context, id commerce.CustomerID, hash, expectOld string) error {
	_, err := s.store.Update(ctx, id, func(c *Customer) ([]commerce.Envelope, error) {
		if expectOld != "" && c.PasswordHash != expectOld {
			return nil, commerce.Errorf(commerce.CodeConflict, "customer: the password changed concurrently")
		}
		if c.Guest {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "customer: a guest has no password to change")
		}
		c.PasswordHash = hash
		c.UpdatedAt = s.now()
		return nil, nil
	})
	return err
}

// resetTokenBytes is the entropy of a password-reset token.
const resetTokenBytes = 32

// RequestPasswordReset starts a password reset for the registered customer
// with email: it stores the hash of a fresh single-use token and publishes
// customer.password_reset_requested carrying the token, for the notifier
// to mail. For an unknown e-mail or a guest it does nothing and still
// returns nil, so the answer reveals no account. Requests are counted per
// e-mail, known or not (Options.ResetPerAccount): past the limit nothing
// is sent and the answer is still nil, so a flood neither fills a mailbox
// nor tells anything. Only a malformed e-mail (InvalidArgument) or a store
// failure is an error.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	e, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	// Counted before the lookup, so that a known and an unknown e-mail do
	// the same work up to the write of the reset. That one write (and its
	// event) is the only difference left between the two; hashing, the
	// cost that tells accounts apart at login, happens in neither.
	res, err := s.opts.Limiter.Allow(ctx, limitKey("reset", e), s.opts.ResetPerAccount)
	if err != nil {
		return err
	}
	if !res.Allowed {
		s.opts.Logger.WarnContext(ctx, "customer: password reset requests throttled", "email", e)
		return nil
	}
	c, err := s.store.GetByEmail(ctx, e)
	if errors.Is(err, commerce.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Guest {
		return nil
	}
	raw := make([]byte, resetTokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return commerce.Errorf(commerce.CodeInternal, "customer: read random reset token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.now()
	r := PasswordReset{
		TokenHash:  hashResetToken(token),
		CustomerID: c.ID,
		CreatedAt:  now,
		ExpiresAt:  now.Add(s.opts.ResetTTL),
	}
	ev := commerce.NewEnvelope(c.ID.String(), now, PasswordResetRequested{
		CustomerID: c.ID, Email: c.Email, Name: c.Name, Token: token, ExpiresAt: r.ExpiresAt,
	})
	return s.store.CreatePasswordReset(ctx, r, []commerce.Envelope{ev})
}

func hashResetToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// ResetPassword sets a new password with a token from
// customer.password_reset_requested and ends every session of the
// customer, in one store step (Store.CompletePasswordReset): the password
// never changes without the sessions ending. A completed reset also voids
// every other outstanding reset token of the customer. A token works once
// and only before it expires; an unknown, used or expired token is
// Unauthenticated. A bad new password is InvalidArgument and leaves the
// token usable.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	if err := s.checkPassword(newPassword); err != nil {
		return err
	}
	invalid := commerce.Errorf(commerce.CodeUnauthenticated, "customer: password reset token is invalid, used or expired")
	if token == "" || len(token) > 128 {
		return invalid
	}
	hash, err := s.hash(ctx, newPassword)
	if err != nil {
		return err
	}
	_, err = s.store.CompletePasswordReset(ctx, hashResetToken(token), s.now(), hash)
	if errors.Is(err, commerce.ErrNotFound) {
		return invalid
	}
	return err
}
