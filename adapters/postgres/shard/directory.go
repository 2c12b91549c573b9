package shard

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/commerce"
)

// The directory is a table on every shard that says in which bucket a
// record lives, for the keys whose text cannot say it: IDs minted by
// commerce.NewID, e-mails, idempotency keys, token hashes, provider
// references. A row for key k sits on the shard of k's home bucket
// (BucketOf for IDs, KeyBucket for the rest), so a lookup costs one
// primary-key read on a shard known in advance, never a scatter. When the
// host mints IDs with NewID for the owner's bucket, home and record share
// the bucket: a customer's requests then touch only the customer's shard.
//
// Rows are written before the record they point to and never change
// afterwards (but for a provider reference or e-mail re-assigned to
// another record), so any record that exists has its rows; a row whose
// record was never written (its writer failed) points to nothing and is
// read as "not found". For a unique key (an e-mail, an idempotency key)
// the first row decides the bucket: a second writer with the same key is
// sent to that bucket, where the shard's own unique constraint settles
// the race exactly as it does on one database.

// Directory kinds: what a key names.
const (
	kindCustomer      = "customer"
	kindEmail         = "email"
	kindSession       = "session"
	kindPasswordReset = "password_reset"
	kindOrder         = "order"
	kindOrderKey      = "order_key"
	kindPayment       = "payment"
	kindPaymentKey    = "payment_key"
	kindProviderRef   = "provider_ref"
	kindRefund        = "refund"
)

const directoryDDL = `
CREATE TABLE IF NOT EXISTS shard_directory (
    kind   text COLLATE "C" NOT NULL,
    key    text COLLATE "C" NOT NULL,
    home   integer NOT NULL CHECK (home >= 0 AND home < 1024),
    bucket integer NOT NULL CHECK (bucket >= 0 AND bucket < 1024),
    PRIMARY KEY (kind, key)
);
CREATE INDEX IF NOT EXISTS shard_directory_home_idx ON shard_directory (home);
CREATE INDEX IF NOT EXISTS shard_directory_bucket_idx ON shard_directory (bucket, kind);
CREATE TABLE IF NOT EXISTS shard_maps (
    version    integer PRIMARY KEY,
    doc        jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);`

// claim records that key lives in bucket want, unless a row for key
// exists, and returns the bucket the row holds: want, or the first
// writer's bucket. It holds the gate of the home bucket while writing,
// unless the caller holds it already (held == home; -1 holds none).
func (r *Router) claim(ctx context.Context, kind, key string, home, want, held int) (int, error) {
	got := -1
	err := r.writeHeld(home, held, func(s *shardStores) error {
		for range 3 {
			err := s.side.QueryRow(ctx, `INSERT INTO shard_directory (kind, key, home, bucket) VALUES ($1, $2, $3, $4)
				ON CONFLICT (kind, key) DO NOTHING RETURNING bucket`, kind, key, home, want).Scan(&got)
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			err = s.side.QueryRow(ctx, `SELECT bucket FROM shard_directory WHERE kind = $1 AND key = $2`, kind, key).Scan(&got)
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			// The conflicting row went away between the two statements
			// (a bucket move deleted it): try again.
		}
		return commerce.Errorf(commerce.CodeUnavailable, "shard: the directory entry for a %s keeps changing; retry", kind)
	})
	if err != nil {
		return 0, classify(err, "record where a "+kind+" lives", r.on(home).name)
	}
	return got, nil
}

// place records an ID's bucket. An ID recorded in another bucket is
// Conflict: it names another record.
func (r *Router) place(ctx context.Context, kind, id string, home, bucket int) error {
	got, err := r.claim(ctx, kind, id, home, bucket, -1)
	if err != nil {
		return err
	}
	if got != bucket {
		return commerce.Errorf(commerce.CodeConflict, "shard: the %s %s already exists", kind, id)
	}
	return nil
}

// locate returns the bucket recorded for key, or NotFound naming what.
func (r *Router) locate(ctx context.Context, kind, key string, home int, what string) (int, error) {
	var got int
	err := r.read(home, func(s *shardStores) error {
		return s.side.QueryRow(ctx, `SELECT bucket FROM shard_directory WHERE kind = $1 AND key = $2`, kind, key).Scan(&got)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, commerce.Errorf(commerce.CodeNotFound, "shard: %s not found", what)
	}
	if err != nil {
		return 0, classify(err, "find where a "+kind+" lives", r.on(home).name)
	}
	if got < 0 || got >= Buckets {
		return 0, commerce.Errorf(commerce.CodeInternal, "shard: the directory names bucket %d, which does not exist", got)
	}
	return got, nil
}

// retarget moves a unique key's row from bucket from to bucket to, if it
// still points at from, and reports whether it did. held is as for claim.
func (r *Router) retarget(ctx context.Context, kind, key string, home, from, to, held int) (bool, error) {
	moved := false
	err := r.writeHeld(home, held, func(s *shardStores) error {
		tag, err := s.side.Exec(ctx, `UPDATE shard_directory SET bucket = $4 WHERE kind = $1 AND key = $2 AND bucket = $3`, kind, key, from, to)
		moved = tag.RowsAffected() == 1
		return err
	})
	return moved, classify(err, "re-assign a "+kind, r.on(home).name)
}

// writeHeld is write, but without taking the gate when the caller holds
// it already (held == b): a second read lock of one RWMutex deadlocks when
// a move is waiting for it, and the caller's lock pauses the move anyway.
func (r *Router) writeHeld(b, held int, fn func(*shardStores) error) error {
	if b == held {
		return fn(r.on(b))
	}
	return r.write(b, fn)
}
