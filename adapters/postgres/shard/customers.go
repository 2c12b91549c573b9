package shard

import (
	"context"
	"encoding/hex"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// CustomerStore is the router's customer.Store. A customer lives in the
// bucket its ID carries, or, when its e-mail was recorded first for
// another bucket, in that one; its sessions and password resets live with
// it. It also implements customer.Purger, shard by shard.
type CustomerStore struct{ r *Router }

var (
	_ customer.Store  = (*CustomerStore)(nil)
	_ customer.Purger = (*CustomerStore)(nil)
)

// bucketOf returns the bucket of the customer with id: NotFound for an
// unknown customer, InvalidArgument for a malformed ID.
func (s *CustomerStore) bucketOf(ctx context.Context, id commerce.CustomerID, field string) (int, error) {
	home, err := BucketOf(id, field)
	if err != nil {
		return 0, err
	}
	return s.r.locate(ctx, kindCustomer, id.String(), home, "customer "+id.String())
}

// Create implements customer.Store. The e-mail is recorded first: of two
// customers created with one e-mail, the second is sent to the first's
// bucket, whose unique constraint makes it a Conflict.
func (s *CustomerStore) Create(ctx context.Context, c customer.Customer, events []commerce.Envelope) error {
	home, err := BucketOf(c.ID, "id")
	if err != nil {
		return err
	}
	b, err := s.r.claim(ctx, kindEmail, c.Email, KeyBucket(c.Email), home, -1)
	if err != nil {
		return err
	}
	if err := s.r.place(ctx, kindCustomer, c.ID.String(), home, b); err != nil {
		return err
	}
	return s.r.write(b, func(sh *shardStores) error { return sh.stores.Customers.Create(ctx, c, events) })
}

// Get implements customer.Store.
func (s *CustomerStore) Get(ctx context.Context, id commerce.CustomerID) (customer.Customer, error) {
	b, err := s.bucketOf(ctx, id, "id")
	if err != nil {
		return customer.Customer{}, err
	}
	var c customer.Customer
	err = s.r.read(b, func(sh *shardStores) (err error) {
		c, err = sh.stores.Customers.Get(ctx, id)
		return err
	})
	return c, err
}

// GetByEmail implements customer.Store.
func (s *CustomerStore) GetByEmail(ctx context.Context, email string) (customer.Customer, error) {
	b, err := s.r.locate(ctx, kindEmail, email, KeyBucket(email), "customer")
	if err != nil {
		return customer.Customer{}, err
	}
	var c customer.Customer
	err = s.r.read(b, func(sh *shardStores) (err error) {
		c, err = sh.stores.Customers.GetByEmail(ctx, email)
		return err
	})
	return c, err
}

// Update implements customer.Store. A new e-mail is recorded for the
// customer's bucket inside the update; if another bucket recorded it
// first and a customer there holds it, the update is a Conflict.
func (s *CustomerStore) Update(ctx context.Context, id commerce.CustomerID, fn func(*customer.Customer) ([]commerce.Envelope, error)) (customer.Customer, error) {
	b, err := s.bucketOf(ctx, id, "id")
	if err != nil {
		return customer.Customer{}, err
	}
	var out customer.Customer
	err = s.r.write(b, func(sh *shardStores) (err error) {
		out, err = sh.stores.Customers.Update(ctx, id, func(c *customer.Customer) ([]commerce.Envelope, error) {
			old := c.Email
			events, err := fn(c)
			if err != nil || c.Email == old {
				return events, err
			}
			return events, s.takeEmail(ctx, c.Email, b)
		})
		return err
	})
	return out, err
}

// takeEmail records email for bucket b, the bucket whose gate the caller
// holds. An e-mail recorded for another bucket is taken over only if no
// customer there holds it.
func (s *CustomerStore) takeEmail(ctx context.Context, email string, b int) error {
	home := KeyBucket(email)
	for range 3 {
		got, err := s.r.claim(ctx, kindEmail, email, home, b, b)
		if err != nil || got == b {
			return err
		}
		// The caller's transaction holds a connection: ask through the
		// directory pool (see shardStores.side).
		var held bool
		err = s.r.read(got, func(sh *shardStores) error {
			return sh.side.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customer_customers WHERE email = $1)`, email).Scan(&held)
		})
		if err != nil {
			return classify(err, "look up an e-mail", s.r.on(got).name)
		}
		if held {
			return commerce.Errorf(commerce.CodeConflict, "shard: another customer has this e-mail").WithDetail("field", "email")
		}
		if moved, err := s.r.retarget(ctx, kindEmail, email, home, got, b, b); err != nil || moved {
			return err
		}
	}
	return commerce.Errorf(commerce.CodeUnavailable, "shard: the e-mail's directory entry keeps changing; retry")
}

// CreateSession implements customer.Store.
func (s *CustomerStore) CreateSession(ctx context.Context, rec customer.SessionRecord) error {
	home, err := BucketOf(rec.ID, "id")
	if err != nil {
		return err
	}
	b, err := s.bucketOf(ctx, rec.CustomerID, "customer_id")
	if err != nil {
		return err
	}
	if err := s.r.place(ctx, kindSession, rec.ID.String(), home, b); err != nil {
		return err
	}
	return s.r.write(b, func(sh *shardStores) error { return sh.stores.Customers.CreateSession(ctx, rec) })
}

func (s *CustomerStore) sessionBucket(ctx context.Context, id commerce.SessionID) (int, error) {
	home, err := BucketOf(id, "id")
	if err != nil {
		return 0, err
	}
	return s.r.locate(ctx, kindSession, id.String(), home, "session "+id.String())
}

// GetSession implements customer.Store.
func (s *CustomerStore) GetSession(ctx context.Context, id commerce.SessionID) (customer.SessionRecord, error) {
	b, err := s.sessionBucket(ctx, id)
	if err != nil {
		return customer.SessionRecord{}, err
	}
	var rec customer.SessionRecord
	err = s.r.read(b, func(sh *shardStores) (err error) {
		rec, err = sh.stores.Customers.GetSession(ctx, id)
		return err
	})
	return rec, err
}

// RevokeSession implements customer.Store.
func (s *CustomerStore) RevokeSession(ctx context.Context, id commerce.SessionID, at time.Time) error {
	b, err := s.sessionBucket(ctx, id)
	if err != nil {
		return err
	}
	return s.r.write(b, func(sh *shardStores) error { return sh.stores.Customers.RevokeSession(ctx, id, at) })
}

// RevokeSessions implements customer.Store.
func (s *CustomerStore) RevokeSessions(ctx context.Context, customerID commerce.CustomerID, at time.Time) error {
	b, err := s.bucketOf(ctx, customerID, "customer_id")
	if commerce.Code(err) == commerce.CodeNotFound {
		return nil // no customer, no sessions
	}
	if err != nil {
		return err
	}
	return s.r.write(b, func(sh *shardStores) error { return sh.stores.Customers.RevokeSessions(ctx, customerID, at) })
}

// resetKey is a token hash as directory text.
func resetKey(tokenHash []byte) string { return hex.EncodeToString(tokenHash) }

// CreatePasswordReset implements customer.Store.
func (s *CustomerStore) CreatePasswordReset(ctx context.Context, r customer.PasswordReset, events []commerce.Envelope) error {
	b, err := s.bucketOf(ctx, r.CustomerID, "customer_id")
	if err != nil {
		return err
	}
	key := resetKey(r.TokenHash)
	got, err := s.r.claim(ctx, kindPasswordReset, key, KeyBucket(key), b, -1)
	if err != nil {
		return err
	}
	if got != b {
		return commerce.Errorf(commerce.CodeConflict, "shard: the password reset exists")
	}
	return s.r.write(b, func(sh *shardStores) error { return sh.stores.Customers.CreatePasswordReset(ctx, r, events) })
}

func (s *CustomerStore) resetBucket(ctx context.Context, tokenHash []byte) (int, error) {
	key := resetKey(tokenHash)
	return s.r.locate(ctx, kindPasswordReset, key, KeyBucket(key), "password reset")
}

// ConsumePasswordReset implements customer.Store.
func (s *CustomerStore) ConsumePasswordReset(ctx context.Context, tokenHash []byte, now time.Time) (commerce.CustomerID, error) {
	b, err := s.resetBucket(ctx, tokenHash)
	if err != nil {
		return "", err
	}
	var id commerce.CustomerID
	err = s.r.write(b, func(sh *shardStores) (err error) {
		id, err = sh.stores.Customers.ConsumePasswordReset(ctx, tokenHash, now)
		return err
	})
	return id, err
}

// CompletePasswordReset implements customer.Store.
func (s *CustomerStore) CompletePasswordReset(ctx context.Context, tokenHash []byte, now time.Time, passwordHash string) (commerce.CustomerID, error) {
	b, err := s.resetBucket(ctx, tokenHash)
	if err != nil {
		return "", err
	}
	var id commerce.CustomerID
	err = s.r.write(b, func(sh *shardStores) (err error) {
		id, err = sh.stores.Customers.CompletePasswordReset(ctx, tokenHash, now, passwordHash)
		return err
	})
	return id, err
}

// PurgeSessions implements customer.Purger over every shard in turn,
// deleting at most limit sessions in all.
func (s *CustomerStore) PurgeSessions(ctx context.Context, before time.Time, limit int) (int, error) {
	return s.purge(ctx, limit, func(sh *shardStores, left int) (int, error) {
		return sh.stores.Customers.PurgeSessions(ctx, before, left)
	})
}

// PurgePasswordResets implements customer.Purger over every shard in
// turn, deleting at most limit resets in all.
func (s *CustomerStore) PurgePasswordResets(ctx context.Context, before time.Time, limit int) (int, error) {
	return s.purge(ctx, limit, func(sh *shardStores, left int) (int, error) {
		return sh.stores.Customers.PurgePasswordResets(ctx, before, left)
	})
}

func (s *CustomerStore) purge(ctx context.Context, limit int, fn func(sh *shardStores, left int) (int, error)) (int, error) {
	total := 0
	for i := range s.r.shards {
		if total >= limit {
			break
		}
		n, err := fn(&s.r.shards[i], limit-total)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, ctx.Err()
}
