package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// NotifyStore is the PostgreSQL notify.Store (table notify_deliveries,
// migration 0005). Claim relies on the table's UNIQUE dedupe key: an
// INSERT ... ON CONFLICT DO NOTHING creates the delivery, and a
// conditional UPDATE takes over a stale or transiently failed one, so
// concurrent claimants in any number of processes see exactly one winner.
type NotifyStore struct {
	pool *pgxpool.Pool
}

// NewNotifyStore returns a store on pool, whose schema Migrate has brought
// up to date. opts is accepted for symmetry with the other stores; notify
// publishes no events.
func NewNotifyStore(pool *pgxpool.Pool, opts *Options) (*NotifyStore, error) {
	_ = opts
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: NewNotifyStore needs a pool")
	}
	return &NotifyStore{pool: pool}, nil
}

var _ notify.Store = (*NotifyStore)(nil)

const deliveryColumns = `id, event_id, event, channel, kind, recipient, coalesce(customer_id, ''), coalesce(order_id, ''),
	status, attempts, last_error, provider_ref, lease_until, created_at, updated_at`

func scanDelivery(row pgx.Row) (notify.Delivery, error) {
	var d notify.Delivery
	var customerID, orderID string
	err := row.Scan(&d.ID, &d.EventID, &d.Event, &d.Channel, &d.Kind, &d.To, &customerID, &orderID,
		&d.Status, &d.Attempts, &d.LastError, &d.ProviderRef, &d.LeaseUntil, &d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return notify.Delivery{}, err
	}
	d.CustomerID, d.OrderID = commerce.CustomerID(customerID), commerce.OrderID(orderID)
	d.LeaseUntil, d.CreatedAt, d.UpdatedAt = d.LeaseUntil.UTC(), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, nil
}

// Claim implements notify.Store.
func (s *NotifyStore) Claim(ctx context.Context, key notify.DeliveryKey, d notify.Delivery) (notify.Delivery, bool, error) {
	if d.Key() != key {
		return notify.Delivery{}, false, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: delivery does not match its key")
	}
	const doing = "claim notification delivery"
	created, err := scanDelivery(s.pool.QueryRow(ctx, `
		INSERT INTO notify_deliveries (id, event_id, event, channel, kind, recipient, customer_id, order_id,
			status, attempts, last_error, provider_ref, lease_until, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT ON CONSTRAINT notify_deliveries_dedupe_key DO NOTHING
		RETURNING `+deliveryColumns,
		d.ID, d.EventID, d.Event, d.Channel, d.Kind, d.To, nullIfEmpty(d.CustomerID.String()), nullIfEmpty(d.OrderID.String()),
		d.Status, d.Attempts, d.LastError, d.ProviderRef, d.LeaseUntil, d.CreatedAt, d.UpdatedAt))
	if err == nil {
		return created, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return notify.Delivery{}, false, classify(err, doing)
	}
	// The key exists. Take it over if its sender failed or its lease ran
	// out; under read committed the row lock makes concurrent takeovers
	// re-check the condition, so only one of them matches.
	taken, err := scanDelivery(s.pool.QueryRow(ctx, `
		UPDATE notify_deliveries SET status = 'pending', lease_until = $4, updated_at = $5
		WHERE event_id = $1 AND channel = $2 AND recipient = $3
		  AND (status = 'failed_transient' OR (status = 'pending' AND lease_until <= $5))
		RETURNING `+deliveryColumns,
		key.EventID, key.Channel, key.To, d.LeaseUntil, d.UpdatedAt))
	if err == nil {
		return taken, true, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return notify.Delivery{}, false, classify(err, doing)
	}
	cur, err := scanDelivery(s.pool.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries
		WHERE event_id = $1 AND channel = $2 AND recipient = $3`, key.EventID, key.Channel, key.To))
	if err != nil {
		return notify.Delivery{}, false, classify(err, doing)
	}
	return cur, false, nil
}

// Record implements notify.Store.
func (s *NotifyStore) Record(ctx context.Context, id commerce.NotificationID, out notify.Outcome) error {
	const doing = "record notification outcome"
	tag, err := s.pool.Exec(ctx, `
		UPDATE notify_deliveries SET status = $2, attempts = $3, last_error = $4, provider_ref = $5, updated_at = $6
		WHERE id = $1 AND status <> 'sent'`,
		id, out.Status, out.Attempts, out.LastError, out.ProviderRef, out.At)
	if err != nil {
		return classify(err, doing)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notify_deliveries WHERE id = $1)`, id).Scan(&exists); err != nil {
		return classify(err, doing)
	}
	if !exists {
		return commerce.Errorf(commerce.CodeNotFound, "postgres: delivery %s not found", id)
	}
	return nil // already sent: stays sent
}

// ListByOrder implements notify.Store.
func (s *NotifyStore) ListByOrder(ctx context.Context, orderID commerce.OrderID, page commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
	return s.list(ctx, "order_id", orderID.String(), page)
}

// ListByCustomer implements notify.Store.
func (s *NotifyStore) ListByCustomer(ctx context.Context, customerID commerce.CustomerID, page commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
	return s.list(ctx, "customer_id", customerID.String(), page)
}

// list pages through the deliveries whose column (a constant of this
// file, never input) equals value.
func (s *NotifyStore) list(ctx context.Context, column, value string, page commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
	out := commerce.Page[notify.Delivery]{Items: []notify.Delivery{}}
	page, err := page.Normalize()
	if err != nil {
		return out, err
	}
	after := notify.LogCursor{CreatedAt: time.Time{}.UnixMicro()}
	if page.Cursor != "" {
		if err := commerce.DecodeCursor(page.Cursor, &after); err != nil {
			return out, err
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries
		WHERE `+column+` = $1 AND (created_at, id) > ($2, $3)
		ORDER BY created_at, id LIMIT $4`,
		value, time.UnixMicro(after.CreatedAt).UTC(), after.ID.String(), page.Limit+1)
	if err != nil {
		return out, classify(err, "list notification deliveries")
	}
	items, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (notify.Delivery, error) { return scanDelivery(row) })
	if err != nil {
		return out, classify(err, "list notification deliveries")
	}
	if len(items) > page.Limit {
		items = items[:page.Limit]
		last := items[len(items)-1]
		if out.NextCursor, err = commerce.EncodeCursor(notify.LogCursor{CreatedAt: last.CreatedAt.UnixMicro(), ID: last.ID}); err != nil {
			return out, err
		}
	}
	out.Items = append(out.Items, items...)
	return out, nil
}
