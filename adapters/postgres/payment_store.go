package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// PaymentStore is the PostgreSQL payment.Store (tables payment_payments,
// payment_refunds and payment_webhook_events, migration 0004). Every write
// is one read-committed transaction that locks the payment row (FOR
// UPDATE), so the writes of one payment, refunds and webhooks included,
// are serialised; events go to the outbox in the same transaction.
type PaymentStore struct {
	pool *pgxpool.Pool
	opts *Options
}

// NewPaymentStore returns a store on pool, whose schema must be migrated.
func NewPaymentStore(pool *pgxpool.Pool, opts *Options) *PaymentStore {
	return &PaymentStore{pool: pool, opts: opts}
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

// Create implements payment.Store.
func (s *PaymentStore) Create(ctx context.Context, p payment.Payment, events []commerce.Envelope) (payment.Payment, bool, error) {
	p.CreatedAt, p.UpdatedAt = micro(p.CreatedAt), micro(p.UpdatedAt)
	var out payment.Payment
	created := false
	err := inTx(ctx, s.pool, "create payment", func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO payment_payments (id, order_id, currency, amount, status, provider, provider_ref,
			payment_method, capture_now, attempts, max_retries, idempotency_key, captured_amount, refunded_amount,
			failure_code, failure_message, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
			ON CONFLICT (idempotency_key) DO NOTHING`,
			p.ID, p.OrderID, p.Amount.Currency(), p.Amount.Amount(), p.Status, p.Provider, nullIfEmpty(p.ProviderRef),
			p.PaymentMethod, p.CaptureNow, p.Attempts, p.MaxRetries, p.IdempotencyKey, p.CapturedAmount.Amount(),
			p.RefundedAmount.Amount(), p.FailureCode, p.FailureMessage, p.CreatedAt, p.UpdatedAt)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			out, err = scanPayment(tx.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payment_payments WHERE idempotency_key = $1`, p.IdempotencyKey))
			return err
		}
		out, created = p, true
		return s.opts.publish(ctx, tx, events)
	})
	if err != nil {
		return payment.Payment{}, false, err
	}
	return out, created, nil
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

// lock reads the payment with id FOR UPDATE.
func lockPayment(ctx context.Context, tx pgx.Tx, id commerce.PaymentID) (payment.Payment, error) {
	return scanPayment(tx.QueryRow(ctx, `SELECT `+paymentColumns+` FROM payment_payments WHERE id = $1 FOR UPDATE`, id))
}

// modify applies fn to the locked payment and writes the result back.
func (s *PaymentStore) modify(ctx context.Context, tx pgx.Tx, old payment.Payment, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, []commerce.Envelope, error) {
	p := old
	events, err := fn(&p)
	if err != nil {
		return payment.Payment{}, nil, err
	}
	if p.ID != old.ID || p.IdempotencyKey != old.IdempotencyKey {
		return payment.Payment{}, nil, commerce.Errorf(commerce.CodeInternal, "postgres: payment update changed its identity")
	}
	p.UpdatedAt = micro(p.UpdatedAt)
	_, err = tx.Exec(ctx, `UPDATE payment_payments SET status = $2, provider_ref = $3, attempts = $4, captured_amount = $5,
		refunded_amount = $6, failure_code = $7, failure_message = $8, updated_at = $9 WHERE id = $1`,
		p.ID, p.Status, nullIfEmpty(p.ProviderRef), p.Attempts, p.CapturedAmount.Amount(), p.RefundedAmount.Amount(),
		p.FailureCode, p.FailureMessage, p.UpdatedAt)
	if err != nil {
		return payment.Payment{}, nil, err
	}
	return p, events, nil
}

// Update implements payment.Store.
func (s *PaymentStore) Update(ctx context.Context, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, error) {
	var out payment.Payment
	err := inTx(ctx, s.pool, "update payment "+id.String(), func(tx pgx.Tx) error {
		old, err := lockPayment(ctx, tx, id)
		if err != nil {
			return err
		}
		p, events, err := s.modify(ctx, tx, old, fn)
		if err != nil {
			return err
		}
		out = p
		return s.opts.publish(ctx, tx, events)
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
	err := inTx(ctx, s.pool, "create refund", func(tx pgx.Tx) error {
		p, err := lockPayment(ctx, tx, r.PaymentID)
		if err != nil {
			return err
		}
		existing, err := scanRefund(tx.QueryRow(ctx, `SELECT `+refundColumns+` FROM payment_refunds WHERE idempotency_key = $1`, r.IdempotencyKey))
		if err == nil {
			out = existing
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		refunds, err := listRefunds(ctx, tx, r.PaymentID)
		if err != nil {
			return err
		}
		events, err := check(p, refunds)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO payment_refunds (id, payment_id, currency, amount, reason, status, provider_ref,
			idempotency_key, failure_code, failure_message, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			r.ID, r.PaymentID, r.Amount.Currency(), r.Amount.Amount(), r.Reason, r.Status, r.ProviderRef,
			r.IdempotencyKey, r.FailureCode, r.FailureMessage, r.CreatedAt, r.UpdatedAt)
		if err != nil {
			return err
		}
		out, created = r, true
		return s.opts.publish(ctx, tx, events)
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
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (payment.Refund, error) { return scanRefund(r) })
	if out == nil && err == nil {
		out = []payment.Refund{}
	}
	return out, err
}

// UpdateRefund implements payment.Store.
func (s *PaymentStore) UpdateRefund(ctx context.Context, id commerce.RefundID, fn func(*payment.Payment, *payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, error) {
	var out payment.Refund
	err := inTx(ctx, s.pool, "update refund "+id.String(), func(tx pgx.Tx) error {
		var pid commerce.PaymentID
		if err := tx.QueryRow(ctx, `SELECT payment_id FROM payment_refunds WHERE id = $1`, id).Scan(&pid); err != nil {
			return err
		}
		old, err := lockPayment(ctx, tx, pid)
		if err != nil {
			return err
		}
		r, err := scanRefund(tx.QueryRow(ctx, `SELECT `+refundColumns+` FROM payment_refunds WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		var events []commerce.Envelope
		if _, _, err = s.modify(ctx, tx, old, func(p *payment.Payment) ([]commerce.Envelope, error) {
			events, err = fn(p, &r)
			return events, err
		}); err != nil {
			return err
		}
		if r.ID != id {
			return commerce.Errorf(commerce.CodeInternal, "postgres: refund update changed its identity")
		}
		r.UpdatedAt = micro(r.UpdatedAt)
		if _, err = tx.Exec(ctx, `UPDATE payment_refunds SET status = $2, provider_ref = $3, failure_code = $4,
			failure_message = $5, updated_at = $6 WHERE id = $1`,
			r.ID, r.Status, r.ProviderRef, r.FailureCode, r.FailureMessage, r.UpdatedAt); err != nil {
			return err
		}
		out = r
		return s.opts.publish(ctx, tx, events)
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
	err := inTx(ctx, s.pool, "apply webhook event "+eventID, func(tx pgx.Tx) error {
		old, err := lockPayment(ctx, tx, id)
		if err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO payment_webhook_events (provider, event_id, payment_id) VALUES ($1, $2, $3)
			ON CONFLICT (provider, event_id) DO NOTHING`, provider, eventID, id)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		_, events, err := s.modify(ctx, tx, old, fn)
		if err != nil {
			return err
		}
		applied = true
		return s.opts.publish(ctx, tx, events)
	})
	if err != nil {
		return false, err
	}
	return applied, nil
}
