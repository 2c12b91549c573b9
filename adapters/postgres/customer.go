package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// CustomerStore is a customer.Store on PostgreSQL (tables customer_*,
// created by Migrate). E-mail uniqueness is a unique constraint on the
// normalised address, so concurrent registrations cannot both win;
// addresses are a JSONB array.
type CustomerStore struct {
	pool *pgxpool.Pool
	opts *Options
}

var _ customer.Store = (*CustomerStore)(nil)

// NewCustomerStore returns a CustomerStore on pool, whose schema Migrate
// has brought up to date. A nil opts is the zero value.
func NewCustomerStore(pool *pgxpool.Pool, opts *Options) (*CustomerStore, error) {
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: NewCustomerStore needs a pool")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &CustomerStore{pool: pool, opts: opts}, nil
}

const customerColumns = `id, email, name, phone, addresses, pref_email, pref_sms, guest, password_hash, created_at, updated_at`

func scanCustomer(row pgx.Row) (customer.Customer, error) {
	var (
		c     customer.Customer
		addrs []byte
	)
	err := row.Scan(&c.ID, &c.Email, &c.Name, &c.Phone, &addrs, &c.Preferences.Email, &c.Preferences.SMS,
		&c.Guest, &c.PasswordHash, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return customer.Customer{}, err
	}
	if err := json.Unmarshal(addrs, &c.Addresses); err != nil {
		return customer.Customer{}, commerce.Errorf(commerce.CodeInternal, "postgres: decode addresses of customer %s: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

func addressesJSON(c customer.Customer) ([]byte, error) {
	addrs := c.Addresses
	if addrs == nil {
		addrs = []commerce.Address{}
	}
	b, err := json.Marshal(addrs)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: encode addresses: %w", err)
	}
	return b, nil
}

// customerConflict turns a unique violation into a Conflict that says
// which key clashed.
func customerConflict(err error, doing string) error {
	switch constraintOf(err) {
	case "customer_customers_email_key":
		return commerce.Errorf(commerce.CodeConflict, "postgres: %s: a customer with this email already exists", doing).WithDetail("field", "email")
	case "customer_customers_pkey":
		return commerce.Errorf(commerce.CodeConflict, "postgres: %s: the customer ID exists", doing)
	}
	return classify(err, doing)
}

// Create implements customer.Store.
func (s *CustomerStore) Create(ctx context.Context, c customer.Customer, events []commerce.Envelope) error {
	addrs, err := addressesJSON(c)
	if err != nil {
		return err
	}
	return inTx(ctx, s.pool, "create customer", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO customer_customers (`+customerColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			c.ID, c.Email, c.Name, c.Phone, addrs, c.Preferences.Email, c.Preferences.SMS,
			c.Guest, c.PasswordHash, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return customerConflict(err, "create customer")
		}
		return s.opts.publish(ctx, tx, events)
	})
}

// Get implements customer.Store.
func (s *CustomerStore) Get(ctx context.Context, id commerce.CustomerID) (customer.Customer, error) {
	c, err := scanCustomer(s.pool.QueryRow(ctx, `SELECT `+customerColumns+` FROM customer_customers WHERE id = $1`, id))
	return c, classify(err, "get customer "+id.String())
}

// GetByEmail implements customer.Store.
func (s *CustomerStore) GetByEmail(ctx context.Context, email string) (customer.Customer, error) {
	c, err := scanCustomer(s.pool.QueryRow(ctx, `SELECT `+customerColumns+` FROM customer_customers WHERE email = $1`, email))
	return c, classify(err, "get customer by email")
}

// Update implements customer.Store. It locks the row (FOR UPDATE) for
// the read-modify-write.
func (s *CustomerStore) Update(ctx context.Context, id commerce.CustomerID, fn func(*customer.Customer) ([]commerce.Envelope, error)) (customer.Customer, error) {
	const doing = "update customer"
	var out customer.Customer
	err := inTx(ctx, s.pool, doing, func(tx pgx.Tx) error {
		c, err := scanCustomer(tx.QueryRow(ctx, `SELECT `+customerColumns+` FROM customer_customers WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return classify(err, doing+" "+id.String())
		}
		events, err := fn(&c)
		if err != nil {
			return err
		}
		if c.ID != id {
			return commerce.Errorf(commerce.CodeInvalidArgument, "postgres: %s: the customer ID must not change", doing)
		}
		addrs, err := addressesJSON(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE customer_customers SET email = $2, name = $3, phone = $4, addresses = $5,
			pref_email = $6, pref_sms = $7, guest = $8, password_hash = $9, created_at = $10, updated_at = $11
			WHERE id = $1`,
			c.ID, c.Email, c.Name, c.Phone, addrs, c.Preferences.Email, c.Preferences.SMS,
			c.Guest, c.PasswordHash, c.CreatedAt, c.UpdatedAt)
		if err != nil {
			return customerConflict(err, doing)
		}
		if err := s.opts.publish(ctx, tx, events); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return customer.Customer{}, err
	}
	return out, nil
}

// CreateSession implements customer.Store.
func (s *CustomerStore) CreateSession(ctx context.Context, rec customer.SessionRecord) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO customer_sessions (id, customer_id, created_at, expires_at, revoked_at)
		VALUES ($1, $2, $3, $4, $5)`, rec.ID, rec.CustomerID, rec.CreatedAt, rec.ExpiresAt, nullTime(rec.RevokedAt))
	return classify(err, "create session")
}

// GetSession implements customer.Store.
func (s *CustomerStore) GetSession(ctx context.Context, id commerce.SessionID) (customer.SessionRecord, error) {
	var (
		rec     customer.SessionRecord
		revoked *time.Time
	)
	err := s.pool.QueryRow(ctx, `SELECT id, customer_id, created_at, expires_at, revoked_at FROM customer_sessions WHERE id = $1`, id).
		Scan(&rec.ID, &rec.CustomerID, &rec.CreatedAt, &rec.ExpiresAt, &revoked)
	if err != nil {
		return customer.SessionRecord{}, classify(err, "get session")
	}
	rec.CreatedAt, rec.ExpiresAt = rec.CreatedAt.UTC(), rec.ExpiresAt.UTC()
	if revoked != nil {
		rec.RevokedAt = revoked.UTC()
	}
	return rec, nil
}

// RevokeSession implements customer.Store.
func (s *CustomerStore) RevokeSession(ctx context.Context, id commerce.SessionID, at time.Time) error {
	var found bool
	err := s.pool.QueryRow(ctx, `WITH revoked AS (
			UPDATE customer_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING 1
		) SELECT EXISTS (SELECT 1 FROM revoked) OR EXISTS (SELECT 1 FROM customer_sessions WHERE id = $1)`, id, at).Scan(&found)
	if err != nil {
		return classify(err, "revoke session")
	}
	if !found {
		return commerce.Errorf(commerce.CodeNotFound, "postgres: revoke session: session %s not found", id)
	}
	return nil
}

// RevokeSessions implements customer.Store.
func (s *CustomerStore) RevokeSessions(ctx context.Context, customerID commerce.CustomerID, at time.Time) error {
	_, err := s.pool.Exec(ctx, `UPDATE customer_sessions SET revoked_at = $2 WHERE customer_id = $1 AND revoked_at IS NULL`, customerID, at)
	return classify(err, "revoke sessions")
}

// CreatePasswordReset implements customer.Store.
func (s *CustomerStore) CreatePasswordReset(ctx context.Context, r customer.PasswordReset, events []commerce.Envelope) error {
	return inTx(ctx, s.pool, "create password reset", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO customer_password_resets (token_hash, customer_id, created_at, expires_at, used_at)
			VALUES ($1, $2, $3, $4, $5)`, r.TokenHash, r.CustomerID, r.CreatedAt, r.ExpiresAt, nullTime(r.UsedAt))
		if err != nil {
			return err
		}
		return s.opts.publish(ctx, tx, events)
	})
}

// ConsumePasswordReset implements customer.Store. One conditional UPDATE
// decides: of concurrent calls, the row lock lets exactly one match.
func (s *CustomerStore) ConsumePasswordReset(ctx context.Context, tokenHash []byte, now time.Time) (commerce.CustomerID, error) {
	var id commerce.CustomerID
	err := s.pool.QueryRow(ctx, `UPDATE customer_password_resets SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
		RETURNING customer_id`, tokenHash, now).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", commerce.Errorf(commerce.CodeNotFound, "postgres: consume password reset: no usable reset for this token")
	}
	return id, classify(err, "consume password reset")
}

// CompletePasswordReset implements customer.Store in one transaction: the
// conditional UPDATE of the token decides between concurrent calls, as in
// ConsumePasswordReset, and the customer's row is locked before its
// password changes.
func (s *CustomerStore) CompletePasswordReset(ctx context.Context, tokenHash []byte, now time.Time, passwordHash string) (commerce.CustomerID, error) {
	const doing = "complete password reset"
	var id commerce.CustomerID
	err := inTx(ctx, s.pool, doing, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE customer_password_resets SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
			RETURNING customer_id`, tokenHash, now).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return commerce.Errorf(commerce.CodeNotFound, "postgres: %s: no usable reset for this token", doing)
		}
		if err != nil {
			return classify(err, doing)
		}
		var guest bool
		if err := tx.QueryRow(ctx, `SELECT guest FROM customer_customers WHERE id = $1 FOR UPDATE`, id).Scan(&guest); err != nil {
			return classify(err, doing)
		}
		if guest {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "postgres: %s: a guest has no password", doing)
		}
		if _, err := tx.Exec(ctx, `UPDATE customer_password_resets SET used_at = $2 WHERE customer_id = $1 AND used_at IS NULL`, id, now); err != nil {
			return classify(err, doing)
		}
		if _, err := tx.Exec(ctx, `UPDATE customer_customers SET password_hash = $2, updated_at = $3 WHERE id = $1`, id, passwordHash, now); err != nil {
			return classify(err, doing)
		}
		if _, err := tx.Exec(ctx, `UPDATE customer_sessions SET revoked_at = $2 WHERE customer_id = $1 AND revoked_at IS NULL`, id, now); err != nil {
			return classify(err, doing)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// PurgeSessions implements customer.Purger. Each branch of the union uses
// its own index; the row set is bounded by limit.
func (s *CustomerStore) PurgeSessions(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM customer_sessions WHERE id IN (
			SELECT id FROM customer_sessions WHERE expires_at <= $1
			UNION SELECT id FROM customer_sessions WHERE revoked_at <= $1
			LIMIT $2)`, before, limit)
	if err != nil {
		return 0, classify(err, "purge sessions")
	}
	return int(tag.RowsAffected()), nil
}

// PurgePasswordResets implements customer.Purger.
func (s *CustomerStore) PurgePasswordResets(ctx context.Context, before time.Time, limit int) (int, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM customer_password_resets WHERE token_hash IN (
			SELECT token_hash FROM customer_password_resets WHERE expires_at <= $1
			UNION SELECT token_hash FROM customer_password_resets WHERE used_at <= $1
			LIMIT $2)`, before, limit)
	if err != nil {
		return 0, classify(err, "purge password resets")
	}
	return int(tag.RowsAffected()), nil
}

// nullTime maps the zero time to SQL NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
