package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// PaymentStore is the PostgreSQL payment.Store (tables payment_payments,
// payment_refunds and payment_webhook_events, migration 0004). Every write
// is one read-committed transaction that locks the payment row (FOR
// UPDATE), so the writes of one payment, refunds and webhooks included,
// are serialised; events go to the outbox in the same transaction. The
// statements of a write are pipelined (see pipeTx): BEGIN travels with
// the lock and the reads, and COMMIT with the writes and the events, so
// every write costs two round trips.
type PaymentStore struct {
	pool *pgxpool.Pool
	opts *Options
}

// NewPaymentStore returns a store on pool, whose schema Migrate has
// brought up to date. A nil opts is the zero value.
func NewPaymentStore(pool *pgxpool.Pool, opts *Options) (*PaymentStore, error) {
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: NewPaymentStore needs a pool")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &PaymentStore{pool: pool, opts: opts}, nil
}

var _ payment.Store = (*PaymentStore)(nil)

const paymentColumns = `id, order_id, currency, amount, status, provider, coalesce(provider_ref, ''), payment_method,
	capture_now, attempts, max_retries, idempotency_key, captured_amount, refunded_amount,
	failure_code, failure_message, created_at, updated_at`

const refundColumns = `id, payment_id, currency, amount, reason, status, provider_ref, idempotency_key,
	failure_code, failure_message, created_at, updated_at`

func scanPayment(row pgx.Row) (payment.Payment, error) {
	var p payment.Payment
	var cur string
	var amount, captured, refunded int64
	err := row.Scan(&p.ID, &p.OrderID, &cur, &amount, &p.Status, &p.Provider, &p.ProviderRef, &p.PaymentMethod,
		&p.CaptureNow, &p.Attempts, &p.MaxRetries, &p.IdempotencyKey, &captured, &refunded,
		&p.FailureCode, &p.FailureMessage, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return payment.Payment{}, err
	}
	c := commerce.Currency(cur)
	if p.Amount, err = commerce.NewMoney(amount, c); err != nil {
		return payment.Payment{}, err
	}
	p.CapturedAmount, _ = commerce.NewMoney(captured, c)
	p.RefundedAmount, _ = commerce.NewMoney(refunded, c)
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

func scanRefund(row pgx.Row) (payment.Refund, error) {
	var r payment.Refund
	var cur string
	var amount int64
	err := row.Scan(&r.ID, &r.PaymentID, &cur, &amount, &r.Reason, &r.Status, &r.ProviderRef, &r.IdempotencyKey,
		&r.FailureCode, &r.FailureMessage, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return payment.Refund{}, err
	}
	if r.Amount, err = commerce.NewMoney(amount, commerce.Currency(cur)); err != nil {
		return payment.Refund{}, err
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, nil
}

// micro truncates t to what timestamptz keeps, so returned values equal
// what a later read returns.
func micro(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Create implements payment.Store. The insert, its events and COMMIT go
// in one round trip: a payment's key is new but for a retry, so the
// insert is not made conditional. A key already taken fails it on the
// unique constraint, and the payment with the key is read then; a
// concurrent Create with the key waits for the first to commit, then
// fails the same way and reads it. A failed insert publishes nothing.
func (s *PaymentStore) Create(ctx context.Context, p payment.Payment, events []commerce.Envelope) (payment.Payment, bool, error) {
	p.CreatedAt, p.UpdatedAt = micro(p.CreatedAt), micro(p.UpdatedAt)
	err := inPipe(ctx, s.pool, "create payment", func(tx *pipeTx) error {
		tx.Queue(`INSERT INTO payment_payments (id, order_id, currency, amount, status, provider, provider_ref,
			payment_method, capture_now, attempts, max_retries, idempotency_key, captured_amount, refunded_amount,
			failure_code, failure_message, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
			p.ID, p.OrderID, p.Amount.Currency(), p.Amount.Amount(), p.Status, p.Provider, nullIfEmpty(p.ProviderRef),
			p.PaymentMethod, p.CaptureNow, p.Attempts, p.MaxRetries, p.IdempotencyKey, p.CapturedAmount.Amount(),
			p.RefundedAmount.Amount(), p.FailureCode, p.FailureMessage, p.CreatedAt, p.UpdatedAt)
		if err := s.opts.publish(ctx, tx, events); err != nil {
			return err
		}
		return tx.commit(ctx)
	})
	if err == nil {
		return p, true, nil
	}
	// Whatever failed, a payment with the key that exists is the answer:
	// the insert hit its constraint, or failed before it was sent (the
	// events of a repeat need not even encode, as they are not published).
	existing, gerr := s.GetByIdempotencyKey(ctx, p.IdempotencyKey)
	if gerr == nil {
		return existing, false, nil
	}
	if constraintOf(err) == "payment_payments_idempotency_key_key" {
		return payment.Payment{}, false, gerr
	}
	return payment.Payment{}, false, err
}

func (s *PaymentStore) getBy(ctx context.Context, doing, where string, args ...any) (payment.Payment, error) {
	p, err := scanPayment(s.pool.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payment_payments WHERE `+where, args...))
	return p, classify(err, doing)
}

// Get implements payment.Store.
func (s *PaymentStore) Get(ctx context.Context, id commerce.PaymentID) (payment.Payment, error) {
	return s.getBy(ctx, "get payment "+id.String(), `id = $1`, id)
}

// GetByIdempotencyKey implements payment.Store.
func (s *PaymentStore) GetByIdempotencyKey(ctx context.Context, key string) (payment.Payment, error) {
	return s.getBy(ctx, "get payment by idempotency key", `idempotency_key = $1`, key)
}

// GetByProviderRef implements payment.Store.
func (s *PaymentStore) GetByProviderRef(ctx context.Context, provider, ref string) (payment.Payment, error) {
	return s.getBy(ctx, "get payment by provider reference", `provider = $1 AND provider_ref = $2`, provider, ref)
}

// ListByOrder implements payment.Store.
func (s *PaymentStore) ListByOrder(ctx context.Context, orderID commerce.OrderID) ([]payment.Payment, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+paymentColumns+` FROM payment_payments WHERE order_id = $1 ORDER BY created_at, id`, orderID)
	if err != nil {
		return nil, classify(err, "list payments of an order")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (payment.Payment, error) { return scanPayment(r) })
	if err != nil {
		return nil, classify(err, "list payments of an order")
	}
	if out == nil {
		out = []payment.Payment{}
	}
	return out, nil
}

// queueLockPayment queues a read of the payment with id FOR UPDATE into
// *dst; the statements queued after it run once the lock is held.
func queueLockPayment(tx *pipeTx, dst *payment.Payment, id commerce.PaymentID) {
	queueLockPaymentWhere(tx, dst, `id = $1`, id)
}

// queueLockPaymentWhere is queueLockPayment for the payment where selects.
func queueLockPaymentWhere(tx *pipeTx, dst *payment.Payment, where string, arg any) {
	tx.Queue(`SELECT `+paymentColumns+` FROM payment_payments WHERE `+where+` FOR UPDATE`, arg).QueryRow(func(row pgx.Row) error {
		var err error
		*dst, err = scanPayment(row)
		return err
	})
}

// modify applies fn to the locked payment and queues the write of the
// result.
func (s *PaymentStore) modify(tx *pipeTx, old payment.Payment, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, []commerce.Envelope, error) {
	p, events, err := changed(old, fn)
	if err != nil {
		return payment.Payment{}, nil, err
	}
	tx.Queue(sqlUpdatePayment, append([]any{p.ID}, changingColumns(p)...)...)
	return p, events, nil
}

// sqlUpdatePayment writes the columns that change over a payment's life,
// $2 to $9 (changingColumns), of payment $1; sqlUpdatePaymentAsSeen only
// while those columns are stored as $10 to $17 say.
const (
	sqlUpdatePayment = `UPDATE payment_payments SET status = $2, provider_ref = $3, attempts = $4, captured_amount = $5,
		refunded_amount = $6, failure_code = $7, failure_message = $8, updated_at = $9 WHERE id = $1`
	sqlUpdatePaymentAsSeen = sqlUpdatePayment + ` AND status = $10 AND provider_ref IS NOT DISTINCT FROM $11
		AND attempts = $12 AND captured_amount = $13 AND refunded_amount = $14 AND failure_code = $15
		AND failure_message = $16 AND updated_at = $17`
)

// changingColumns is p's values of the columns that change over a
// payment's life, in sqlUpdatePayment's order.
func changingColumns(p payment.Payment) []any {
	return []any{p.Status, nullIfEmpty(p.ProviderRef), p.Attempts, p.CapturedAmount.Amount(), p.RefundedAmount.Amount(),
		p.FailureCode, p.FailureMessage, p.UpdatedAt}
}

// changed is old as fn changes it, with fn's events.
func changed(old payment.Payment, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, []commerce.Envelope, error) {
	p := old
	events, err := fn(&p)
	if err != nil {
		return payment.Payment{}, nil, err
	}
	if p.ID != old.ID || p.IdempotencyKey != old.IdempotencyKey {
		return payment.Payment{}, nil, commerce.Errorf(commerce.CodeInternal, "postgres: payment update changed its identity")
	}
	p.UpdatedAt = micro(p.UpdatedAt)
	return p, events, nil
}

// UpdateFrom implements payment.UpdaterFrom. It reads nothing: the write,
// guarded by seen's values of every column an update writes, and the
// events go with the transaction's next round trip, and the guard fails
// the transaction if the payment has changed since (or is gone).
func (s *PaymentStore) UpdateFrom(ctx context.Context, seen payment.Payment, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, error) {
	return s.update(ctx, seen.ID, func(tx *pipeTx) (payment.Payment, []commerce.Envelope, error) {
		seen.UpdatedAt = micro(seen.UpdatedAt)
		p, events, err := changed(seen, fn)
		if err != nil {
			return payment.Payment{}, nil, err
		}
		args := append(append([]any{p.ID}, changingColumns(p)...), changingColumns(seen)...)
		tx.guard(tx.Queue(sqlUpdatePaymentAsSeen, args...),
			func(tag pgconn.CommandTag) error {
				if tag.RowsAffected() == 0 {
					return commerce.Errorf(commerce.CodeConflict, "postgres: payment %s changed since it was read, or is gone", seen.ID).
						WithDetail("payment_id", seen.ID.String())
				}
				return nil
			})
		return p, events, nil
	})
}

// Update implements payment.Store.
func (s *PaymentStore) Update(ctx context.Context, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, error) {
	return s.update(ctx, id, func(tx *pipeTx) (payment.Payment, []commerce.Envelope, error) {
		var old payment.Payment
		queueLockPayment(tx, &old, id)
		if err := tx.flush(ctx); err != nil {
			return payment.Payment{}, nil, err
		}
		return s.modify(tx, old, fn)
	})
}

// update runs change, which queues the write of payment id, in a
// pipelined transaction, and commits it with the events change returns.
func (s *PaymentStore) update(ctx context.Context, id commerce.PaymentID, change func(*pipeTx) (payment.Payment, []commerce.Envelope, error)) (payment.Payment, error) {
	var out payment.Payment
	err := inPipe(ctx, s.pool, "update payment "+id.String(), func(tx *pipeTx) error {
		p, events, err := change(tx)
		if err != nil {
			return err
		}
		if err := s.opts.publish(ctx, tx, events); err != nil {
			return err
		}
		if err := tx.commit(ctx); err != nil {
			return err
		}
		out = p
		return nil
	})
	if err != nil {
		return payment.Payment{}, err
	}
	return out, nil
}

// CreateRefund implements payment.Store.
func (s *PaymentStore) CreateRefund(ctx context.Context, r payment.Refund, check func(payment.Payment, []payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, bool, error) {
	r.CreatedAt, r.UpdatedAt = micro(r.CreatedAt), micro(r.UpdatedAt)
	var out payment.Refund
	created := false
	err := inPipe(ctx, s.pool, "create refund", func(tx *pipeTx) error {
		// The reads run after the lock, in the same round trip.
		var p payment.Payment
		queueLockPayment(tx, &p, r.PaymentID)
		var existing *payment.Refund
		tx.Queue(`SELECT `+refundColumns+` FROM payment_refunds WHERE idempotency_key = $1`, r.IdempotencyKey).Query(func(rows pgx.Rows) error {
			defer rows.Close()
			for rows.Next() {
				found, err := scanRefund(rows)
				if err != nil {
					return err
				}
				existing = &found
			}
			return rows.Err()
		})
		var refunds []payment.Refund
		tx.Queue(`SELECT `+refundColumns+` FROM payment_refunds WHERE payment_id = $1 ORDER BY created_at, id`, r.PaymentID).Query(func(rows pgx.Rows) error {
			var err error
			refunds, err = collectRefunds(rows)
			return err
		})
		if err := tx.flush(ctx); err != nil {
			return err
		}
		if existing != nil {
			out = *existing
			return tx.commit(ctx)
		}
		events, err := check(p, refunds)
		if err != nil {
			return err
		}
		tx.Queue(`INSERT INTO payment_refunds (id, payment_id, currency, amount, reason, status, provider_ref,
			idempotency_key, failure_code, failure_message, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			r.ID, r.PaymentID, r.Amount.Currency(), r.Amount.Amount(), r.Reason, r.Status, r.ProviderRef,
			r.IdempotencyKey, r.FailureCode, r.FailureMessage, r.CreatedAt, r.UpdatedAt)
		if err := s.opts.publish(ctx, tx, events); err != nil {
			return err
		}
		if err := tx.commit(ctx); err != nil {
			return err
		}
		out, created = r, true
		return nil
	})
	if err != nil {
		if constraintOf(err) == "payment_refunds_idempotency_key_key" {
			// The same key on another payment, committed concurrently.
			existing, gerr := s.getRefundByKey(ctx, r.IdempotencyKey)
			if gerr == nil {
				return existing, false, nil
			}
		}
		return payment.Refund{}, false, err
	}
	return out, created, nil
}

func (s *PaymentStore) getRefundByKey(ctx context.Context, key string) (payment.Refund, error) {
	r, err := scanRefund(s.pool.QueryRow(ctx, `SELECT `+refundColumns+` FROM payment_refunds WHERE idempotency_key = $1`, key))
	return r, classify(err, "get refund by idempotency key")
}

func listRefunds(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, id commerce.PaymentID) ([]payment.Refund, error) {
	rows, err := q.Query(ctx, `SELECT `+refundColumns+` FROM payment_refunds WHERE payment_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	return collectRefunds(rows)
}

// collectRefunds scans and closes rows; never nil without an error.
func collectRefunds(rows pgx.Rows) ([]payment.Refund, error) {
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (payment.Refund, error) { return scanRefund(r) })
	if out == nil && err == nil {
		out = []payment.Refund{}
	}
	return out, err
}

// UpdateRefund implements payment.Store.
func (s *PaymentStore) UpdateRefund(ctx context.Context, id commerce.RefundID, fn func(*payment.Payment, *payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, error) {
	var out payment.Refund
	err := inPipe(ctx, s.pool, "update refund "+id.String(), func(tx *pipeTx) error {
		// The payment first, then the refund: the lock order of every
		// write. A refund's payment never changes, so finding it in the
		// locking statement is safe.
		var old payment.Payment
		queueLockPaymentWhere(tx, &old, `id = (SELECT payment_id FROM payment_refunds WHERE id = $1)`, id)
		var r payment.Refund
		tx.Queue(`SELECT `+refundColumns+` FROM payment_refunds WHERE id = $1 FOR UPDATE`, id).QueryRow(func(row pgx.Row) error {
			var err error
			r, err = scanRefund(row)
			return err
		})
		if err := tx.flush(ctx); err != nil {
			return err
		}
		var events []commerce.Envelope
		if _, _, err := s.modify(tx, old, func(p *payment.Payment) ([]commerce.Envelope, error) {
			var err error
			events, err = fn(p, &r)
			return events, err
		}); err != nil {
			return err
		}
		if r.ID != id {
			return commerce.Errorf(commerce.CodeInternal, "postgres: refund update changed its identity")
		}
		r.UpdatedAt = micro(r.UpdatedAt)
		tx.Queue(`UPDATE payment_refunds SET status = $2, provider_ref = $3, failure_code = $4,
			failure_message = $5, updated_at = $6 WHERE id = $1`,
			r.ID, r.Status, r.ProviderRef, r.FailureCode, r.FailureMessage, r.UpdatedAt)
		if err := s.opts.publish(ctx, tx, events); err != nil {
			return err
		}
		if err := tx.commit(ctx); err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return payment.Refund{}, err
	}
	return out, nil
}

// GetRefund implements payment.Store.
func (s *PaymentStore) GetRefund(ctx context.Context, id commerce.RefundID) (payment.Refund, error) {
	r, err := scanRefund(s.pool.QueryRow(ctx, `SELECT `+refundColumns+` FROM payment_refunds WHERE id = $1`, id))
	return r, classify(err, "get refund "+id.String())
}

// ListRefunds implements payment.Store.
func (s *PaymentStore) ListRefunds(ctx context.Context, id commerce.PaymentID) ([]payment.Refund, error) {
	out, err := listRefunds(ctx, s.pool, id)
	return out, classify(err, "list refunds")
}

// ApplyWebhook implements payment.Store.
func (s *PaymentStore) ApplyWebhook(ctx context.Context, provider, eventID string, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (bool, error) {
	applied := false
	err := inPipe(ctx, s.pool, "apply webhook event "+eventID, func(tx *pipeTx) error {
		// The event is recorded after the lock, in the same round trip;
		// the closure runs only for an event not seen before.
		var old payment.Payment
		queueLockPayment(tx, &old, id)
		fresh := false
		tx.Queue(`INSERT INTO payment_webhook_events (provider, event_id, payment_id) VALUES ($1, $2, $3)
			ON CONFLICT (provider, event_id) DO NOTHING`, provider, eventID, id).Exec(func(tag pgconn.CommandTag) error {
			fresh = tag.RowsAffected() == 1
			return nil
		})
		if err := tx.flush(ctx); err != nil {
			return err
		}
		if !fresh {
			return tx.commit(ctx)
		}
		_, events, err := s.modify(tx, old, fn)
		if err != nil {
			return err
		}
		if err := s.opts.publish(ctx, tx, events); err != nil {
			return err
		}
		if err := tx.commit(ctx); err != nil {
			return err
		}
		applied = true
		return nil
	})
	if err != nil {
		return false, err
	}
	return applied, nil
}
