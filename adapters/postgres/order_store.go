package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/promotion"
)

// OrderStore is the PostgreSQL order.Store (tables order_orders, order_lines
// and order_history, migrations 0007 to 0009 and 0011).
//
// Every write is one read-committed transaction on one connection whose
// statements are pipelined: BEGIN travels with the first statements and
// COMMIT with the last, so Create and Update each cost two round trips
// and Get one. Update and Discard lock the order row (FOR UPDATE), so the
// writes of one order are serialised; Create relies on the unique
// idempotency key and on a partial unique index that allows one order per
// cart that is not cancelled. The order, its lines, its new history
// entries and its events (through the Outbox) commit together.
//
// The outbox writes into the transaction through a pgx.Tx whose Exec
// calls join the batch that commits, so events cost no round trip of
// their own: an Outbox used with this store must not depend on the
// command tag Exec returns (errors surface when the batch runs, still
// inside the transaction). Query and the other calls that need an answer
// send what is queued first. LargeObjects is not available to it.
type OrderStore struct {
	pool *pgxpool.Pool
	opts *Options
}

// NewOrderStore returns a store on pool, whose schema Migrate has brought
// up to date. A nil opts is the zero value.
func NewOrderStore(pool *pgxpool.Pool, opts *Options) (*OrderStore, error) {
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: NewOrderStore needs a pool")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &OrderStore{pool: pool, opts: opts}, nil
}

var _ order.Store = (*OrderStore)(nil)

// orderSelect reads whole orders: the row, and its lines and history
// aggregated by subqueries, so one statement (one snapshot) returns a
// consistent order. Times inside the JSON are Unix microseconds, exact
// and cheap to decode.
const orderSelect = `SELECT o.id, o.number, o.idempotency_key, o.cart_id, coalesce(o.customer_id, ''), o.email,
	o.currency, o.status, o.subtotal, o.discount, o.shipping, o.tax, o.total, o.shipping_address, o.billing_address,
	o.reservation_id, o.payment_method, o.capture, o.payment_ids, o.shipment, o.failure_code, o.failure_message,
	o.settled, o.created_at, o.updated_at, o.version, o.cart_version, o.returns, o.external_refunds,
	o.promotions, o.gift_cards,
	(SELECT json_agg(json_build_object('s', l.sku, 'p', l.product_id, 'v', l.variant_id, 't', l.title,
		'q', l.quantity, 'u', l.unit_price, 'a', l.total, 'd', l.discount) ORDER BY l.position)
		FROM order_lines l WHERE l.order_id = o.id),
	(SELECT json_agg(json_build_object('f', h.from_status, 't', h.to_status, 'a', h.actor, 'r', h.reason,
		'at', (extract(epoch FROM h.at) * 1000000)::bigint) ORDER BY h.seq)
		FROM order_history h WHERE h.order_id = o.id)
	FROM order_orders o`

// lineJSON and transitionJSON are the shapes orderSelect aggregates.
type lineJSON struct {
	SKU       string `json:"s"`
	ProductID string `json:"p"`
	VariantID string `json:"v"`
	Title     string `json:"t"`
	Quantity  int    `json:"q"`
	UnitPrice int64  `json:"u"`
	Total     int64  `json:"a"`
	Discount  int64  `json:"d"`
}

type transitionJSON struct {
	From   string `json:"f"`
	To     string `json:"t"`
	Actor  string `json:"a"`
	Reason string `json:"r"`
	At     int64  `json:"at"`
}

func scanOrder(row pgx.Row) (order.Order, error) {
	var o order.Order
	var cur, status, capture string
	var subtotal, discount, shipping, tax, total int64
	var shipTo, billTo, shipment, returns, external, promotions, giftCards, lines, history []byte
	var paymentIDs []string
	err := row.Scan(&o.ID, &o.Number, &o.IdempotencyKey, &o.CartID, &o.CustomerID, &o.Email,
		&cur, &status, &subtotal, &discount, &shipping, &tax, &total, &shipTo, &billTo,
		&o.ReservationID, &o.PaymentMethod, &capture, &paymentIDs, &shipment, &o.FailureCode, &o.FailureMessage,
		&o.Settled, &o.CreatedAt, &o.UpdatedAt, &o.Version, &o.CartVersion, &returns, &external, &promotions, &giftCards, &lines, &history)
	if err != nil {
		return order.Order{}, err
	}
	c := commerce.Currency(cur)
	o.Currency, o.Status, o.Capture = c, order.Status(status), order.CaptureMode(capture)
	if o.Totals, err = totalsOf(c, subtotal, discount, shipping, tax, total); err != nil {
		return order.Order{}, err
	}
	if err := json.Unmarshal(shipTo, &o.ShippingAddress); err != nil {
		return order.Order{}, fmt.Errorf("decode shipping address: %w", err)
	}
	if err := json.Unmarshal(billTo, &o.BillingAddress); err != nil {
		return order.Order{}, fmt.Errorf("decode billing address: %w", err)
	}
	if shipment != nil {
		o.Shipment = &order.Shipment{}
		if err := json.Unmarshal(shipment, o.Shipment); err != nil {
			return order.Order{}, fmt.Errorf("decode shipment: %w", err)
		}
	}
	if len(returns) > 0 && string(returns) != "[]" {
		if err := json.Unmarshal(returns, &o.Returns); err != nil {
			return order.Order{}, fmt.Errorf("decode returns: %w", err)
		}
	}
	if len(external) > 0 && string(external) != "[]" {
		if err := json.Unmarshal(external, &o.ExternalRefunds); err != nil {
			return order.Order{}, fmt.Errorf("decode external refunds: %w", err)
		}
	}
	if len(promotions) > 0 && string(promotions) != "[]" {
		if err := json.Unmarshal(promotions, &o.Promotions); err != nil {
			return order.Order{}, fmt.Errorf("decode promotions: %w", err)
		}
	}
	if len(giftCards) > 0 && string(giftCards) != "[]" {
		if err := json.Unmarshal(giftCards, &o.GiftCards); err != nil {
			return order.Order{}, fmt.Errorf("decode gift cards: %w", err)
		}
	}
	for _, id := range paymentIDs {
		o.PaymentIDs = append(o.PaymentIDs, commerce.PaymentID(id))
	}
	if lines != nil {
		var ls []lineJSON
		if err := json.Unmarshal(lines, &ls); err != nil {
			return order.Order{}, fmt.Errorf("decode lines: %w", err)
		}
		o.Lines = make([]order.Line, len(ls))
		for i, l := range ls {
			o.Lines[i] = order.Line{
				SKU: l.SKU, ProductID: commerce.ProductID(l.ProductID), VariantID: commerce.VariantID(l.VariantID),
				Title: l.Title, Quantity: l.Quantity,
			}
			if o.Lines[i].UnitPrice, err = commerce.NewMoney(l.UnitPrice, c); err != nil {
				return order.Order{}, err
			}
			if o.Lines[i].Total, err = commerce.NewMoney(l.Total, c); err != nil {
				return order.Order{}, err
			}
			if o.Lines[i].Discount, err = commerce.NewMoney(l.Discount, c); err != nil {
				return order.Order{}, err
			}
		}
	}
	if history != nil {
		var hs []transitionJSON
		if err := json.Unmarshal(history, &hs); err != nil {
			return order.Order{}, fmt.Errorf("decode history: %w", err)
		}
		o.History = make([]order.Transition, len(hs))
		for i, h := range hs {
			o.History[i] = order.Transition{
				From: order.Status(h.From), To: order.Status(h.To), Actor: h.Actor, Reason: h.Reason,
				At: time.UnixMicro(h.At).UTC(),
			}
		}
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, nil
}

func totalsOf(c commerce.Currency, subtotal, discount, shipping, tax, total int64) (order.Totals, error) {
	var t order.Totals
	var err error
	for _, f := range []struct {
		m *commerce.Money
		v int64
	}{{&t.Subtotal, subtotal}, {&t.Discount, discount}, {&t.Shipping, shipping}, {&t.Tax, tax}, {&t.Total, total}} {
		if *f.m, err = commerce.NewMoney(f.v, c); err != nil {
			return order.Totals{}, err
		}
	}
	return t, nil
}

// canonical puts o in the form a read returns, so what a write returns
// equals what a later Get returns: times at the microsecond timestamptz
// keeps, in UTC; empty payment IDs nil.
func canonical(o *order.Order) {
	o.CreatedAt, o.UpdatedAt = micro(o.CreatedAt), micro(o.UpdatedAt)
	o.History = slices.Clone(o.History)
	for i := range o.History {
		o.History[i].At = micro(o.History[i].At)
	}
	if len(o.PaymentIDs) == 0 {
		o.PaymentIDs = nil
	}
	if len(o.Lines) == 0 {
		o.Lines = nil
	}
	if len(o.History) == 0 {
		o.History = nil
	}
	if len(o.Returns) == 0 {
		o.Returns = nil
	}
	for i := range o.Returns {
		o.Returns[i].RequestedAt, o.Returns[i].UpdatedAt = micro(o.Returns[i].RequestedAt), micro(o.Returns[i].UpdatedAt)
	}
	if len(o.Promotions) == 0 {
		o.Promotions = nil
	}
	if len(o.GiftCards) == 0 {
		o.GiftCards = nil
	}
	// A line recorded without a discount reads back with none in the
	// order's currency.
	for i := range o.Lines {
		if o.Lines[i].Discount.Currency() == "" {
			o.Lines[i].Discount = commerce.Zero(o.Currency)
		}
	}
	if len(o.ExternalRefunds) == 0 {
		o.ExternalRefunds = nil
	}
	for i := range o.ExternalRefunds {
		o.ExternalRefunds[i].At = micro(o.ExternalRefunds[i].At)
	}
}

// checkMoney refuses an order with an amount in another currency than
// its own: the tables keep minor units beside the order's currency only.
func checkMoney(o order.Order) error {
	bad := func(field string, m commerce.Money) error {
		if m.Currency() == o.Currency {
			return nil
		}
		return commerce.Errorf(commerce.CodeInvalidArgument, "postgres: order %s: %s is %s, not in the order's currency %s", o.ID, field, m, o.Currency).
			WithDetail("field", field)
	}
	for _, f := range []struct {
		name string
		m    commerce.Money
	}{{"totals.subtotal", o.Totals.Subtotal}, {"totals.discount", o.Totals.Discount}, {"totals.shipping", o.Totals.Shipping},
		{"totals.tax", o.Totals.Tax}, {"totals.total", o.Totals.Total}} {
		if err := bad(f.name, f.m); err != nil {
			return err
		}
	}
	for i, l := range o.Lines {
		if err := bad("lines["+strconv.Itoa(i)+"].unit_price", l.UnitPrice); err != nil {
			return err
		}
		if err := bad("lines["+strconv.Itoa(i)+"].total", l.Total); err != nil {
			return err
		}
		if l.Discount.Currency() != "" {
			if err := bad("lines["+strconv.Itoa(i)+"].discount", l.Discount); err != nil {
				return err
			}
		}
	}
	return nil
}

func paymentIDStrings(ids []commerce.PaymentID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// historyArgs are the columns of transitions as arrays, for unnest.
func historyArgs(ts []order.Transition) (from, to, actor, reason []string, at []time.Time) {
	n := len(ts)
	from, to, actor, reason, at = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n)
	for i, t := range ts {
		from[i], to[i], actor[i], reason[i], at[i] = string(t.From), string(t.To), t.Actor, t.Reason, t.At
	}
	return from, to, actor, reason, at
}

// sqlCreateOrder inserts an order, its lines and its history in one
// statement. ON CONFLICT DO NOTHING without a target covers every unique
// index: the idempotency key, the open order of the cart version and the
// ID. A
// conflict inserts nothing and returns no row; the caller then finds out
// which rule stopped it.
const sqlCreateOrder = `WITH o AS (
	INSERT INTO order_orders (id, idempotency_key, cart_id, customer_id, email, currency, status, subtotal, discount,
		shipping, tax, total, shipping_address, billing_address, reservation_id, payment_method, capture,
		payment_ids, shipment, failure_code, failure_message, settled, created_at, updated_at, version, cart_version,
		promotions, gift_cards)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
		$23, $24, $25, $38, $40, $41)
	ON CONFLICT DO NOTHING
	RETURNING id, number
), lines AS (
	INSERT INTO order_lines (order_id, position, sku, product_id, variant_id, title, quantity, unit_price, total, discount)
	SELECT o.id, v.n - 1, v.sku, v.product_id, v.variant_id, v.title, v.quantity, v.unit_price, v.total, v.discount
	FROM o, unnest($26::text[], $27::text[], $28::text[], $29::text[], $30::integer[], $31::bigint[], $32::bigint[],
		$39::bigint[])
		WITH ORDINALITY AS v(sku, product_id, variant_id, title, quantity, unit_price, total, discount, n)
), history AS (
	INSERT INTO order_history (order_id, seq, from_status, to_status, actor, reason, at)
	SELECT o.id, v.n - 1, v.from_status, v.to_status, v.actor, v.reason, v.at
	FROM o, unnest($33::text[], $34::text[], $35::text[], $36::text[], $37::timestamptz[])
		WITH ORDINALITY AS v(from_status, to_status, actor, reason, at, n)
)
SELECT number FROM o`

// Create implements order.Store. It costs two round trips: BEGIN with the
// insert, then the events with COMMIT. When the insert runs into another
// order, the second round trip rolls back and reads that order instead.
func (s *OrderStore) Create(ctx context.Context, o order.Order, events func(order.Order) []commerce.Envelope) (order.Order, bool, error) {
	if err := checkMoney(o); err != nil {
		return order.Order{}, false, err
	}
	o = o.Clone()
	canonical(&o)
	o.Version = 1
	n := len(o.Lines)
	skus, products, variants, titles := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	quantities, units, totals, discounts := make([]int32, n), make([]int64, n), make([]int64, n), make([]int64, n)
	for i, l := range o.Lines {
		skus[i], products[i], variants[i], titles[i] = l.SKU, l.ProductID.String(), l.VariantID.String(), l.Title
		quantities[i], units[i], totals[i], discounts[i] = int32(l.Quantity), l.UnitPrice.Amount(), l.Total.Amount(), l.Discount.Amount()
	}
	from, to, actor, reason, at := historyArgs(o.History)

	var stored order.Order
	created := false
	err := inPipe(ctx, s.pool, "create order "+o.ID.String(), func(p *pipeTx) error {
		inserted := false
		p.Queue(sqlCreateOrder,
			o.ID, o.IdempotencyKey, o.CartID, nullIfEmpty(o.CustomerID.String()), o.Email, o.Currency, string(o.Status),
			o.Totals.Subtotal.Amount(), o.Totals.Discount.Amount(), o.Totals.Shipping.Amount(), o.Totals.Tax.Amount(),
			o.Totals.Total.Amount(), o.ShippingAddress, o.BillingAddress, o.ReservationID, o.PaymentMethod, string(o.Capture),
			paymentIDStrings(o.PaymentIDs), o.Shipment, o.FailureCode, o.FailureMessage, o.Settled, o.CreatedAt, o.UpdatedAt,
			o.Version,
			skus, products, variants, titles, quantities, units, totals,
			from, to, actor, reason, at,
			o.CartVersion, discounts, promotionsJSON(o.Promotions), giftCardsJSON(o.GiftCards),
		).Query(func(rows pgx.Rows) error {
			defer rows.Close()
			for rows.Next() {
				if err := rows.Scan(&o.Number); err != nil {
					return err
				}
				inserted = true
			}
			return rows.Err()
		})
		if err := p.flush(ctx); err != nil {
			return err
		}
		if !inserted {
			var err error
			stored, err = s.createConflict(ctx, p, o)
			return err
		}
		stored, created = o.Clone(), true
		if err := s.opts.publish(ctx, p, events(o.Clone())); err != nil {
			return err
		}
		return p.commit(ctx)
	})
	if err != nil {
		return order.Order{}, false, err
	}
	return stored, created, nil
}

// createConflict ends the transaction of a Create that inserted nothing
// and reads why, in one round trip: an order with the key is returned;
// an open order of the cart version is Conflict with its ID. In a unit
// of work the transaction is the unit's to end: the insert that did
// nothing left it usable, and the reads run in it.
func (s *OrderStore) createConflict(ctx context.Context, p *pipeTx, o order.Order) (order.Order, error) {
	if !p.unit {
		p.Queue(`ROLLBACK`)
	}
	var existing order.Order
	found := false
	p.Queue(orderSelect+` WHERE o.idempotency_key = $1`, o.IdempotencyKey).Query(func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var err error
			if existing, err = scanOrder(rows); err != nil {
				return err
			}
			found = true
		}
		return rows.Err()
	})
	var open string
	p.Queue(`SELECT id FROM order_orders WHERE cart_id = $1 AND cart_version = $2 AND status <> 'cancelled'`, o.CartID, o.CartVersion).Query(func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			if err := rows.Scan(&open); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err := p.flush(ctx); err != nil {
		return order.Order{}, err
	}
	switch {
	case found:
		return existing, nil
	case open != "":
		return order.Order{}, commerce.Errorf(commerce.CodeConflict, "postgres: cart %s already has order %s", o.CartID, open).
			WithDetail("order_id", open).WithDetail("cart_id", o.CartID.String())
	}
	// The ID is taken, or the order the insert ran into was deleted
	// before it could be read.
	var taken bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM order_orders WHERE id = $1)`, o.ID).Scan(&taken); err != nil {
		return order.Order{}, err
	}
	if taken {
		return order.Order{}, commerce.Errorf(commerce.CodeConflict, "postgres: order %s already exists", o.ID)
	}
	return order.Order{}, commerce.Errorf(commerce.CodeUnavailable, "postgres: order %s collided with an order that is gone; retry", o.ID)
}

func (s *OrderStore) getBy(ctx context.Context, doing, where string, arg any) (order.Order, error) {
	o, err := scanOrder(s.pool.QueryRow(ctx, orderSelect+` WHERE `+where, arg))
	return o, classify(err, doing)
}

// Get implements order.Store. It costs one round trip.
func (s *OrderStore) Get(ctx context.Context, id commerce.OrderID) (order.Order, error) {
	return s.getBy(ctx, "get order "+id.String(), `o.id = $1`, id)
}

// GetByIdempotencyKey implements order.Store. It costs one round trip.
func (s *OrderStore) GetByIdempotencyKey(ctx context.Context, key string) (order.Order, error) {
	return s.getBy(ctx, "get order by idempotency key", `o.idempotency_key = $1`, key)
}

// lock queues BEGIN, a lock on the order with id and a read of it, and
// sends them: one round trip. The read is a statement of its own, after
// the lock is held, because a read-committed statement sees the rows of
// other tables as of its start: had it waited for the lock, it would miss
// the history the holder committed meanwhile.
func (s *OrderStore) lock(ctx context.Context, p *pipeTx, id commerce.OrderID) (order.Order, error) {
	p.Queue(`SELECT 1 FROM order_orders WHERE id = $1 FOR UPDATE`, id)
	var cur order.Order
	found := false
	p.Queue(orderSelect+` WHERE o.id = $1`, id).Query(func(rows pgx.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var err error
			if cur, err = scanOrder(rows); err != nil {
				return err
			}
			found = true
		}
		return rows.Err()
	})
	if err := p.flush(ctx); err != nil {
		return order.Order{}, err
	}
	if !found {
		return order.Order{}, commerce.Errorf(commerce.CodeNotFound, "postgres: order %s not found", id)
	}
	return cur, nil
}

// Update implements order.Store. It costs two round trips: BEGIN with the
// lock and the read, then the write, the new history, the events and
// COMMIT.
func (s *OrderStore) Update(ctx context.Context, id commerce.OrderID, fn func(*order.Order) ([]commerce.Envelope, error)) (order.Order, error) {
	var out order.Order
	err := inPipe(ctx, s.pool, "update order "+id.String(), func(p *pipeTx) error {
		cur, err := s.lock(ctx, p, id)
		if err != nil {
			return err
		}
		if out, err = s.write(ctx, p, cur, true, fn); err != nil {
			return err
		}
		return p.commit(ctx)
	})
	if err != nil {
		return order.Order{}, err
	}
	return out, nil
}

// UpdateFrom implements order.UpdaterFrom. It reads nothing: the write,
// the new history and the events go with the transaction's next round
// trip, which sends COMMIT too unless it is a unit of work's, and the
// write, guarded by seen's version, fails the transaction if the order
// has moved on (or is gone).
func (s *OrderStore) UpdateFrom(ctx context.Context, seen order.Order, fn func(*order.Order) ([]commerce.Envelope, error)) (order.Order, error) {
	var out order.Order
	err := inPipe(ctx, s.pool, "update order "+seen.ID.String(), func(p *pipeTx) error {
		var err error
		if out, err = s.write(ctx, p, seen.Clone(), false, fn); err != nil {
			return err
		}
		return p.commit(ctx)
	})
	if err != nil {
		return order.Order{}, err
	}
	return out, nil
}

// write queues the change fn makes to cur: the order's row, written only
// at cur's version, its new history and fn's events. It returns the order
// as written. When cur was read under the row's lock (locked), its version
// cannot have moved and the check travels with COMMIT; otherwise it is a
// guard, answered before COMMIT is sent.
func (s *OrderStore) write(ctx context.Context, p *pipeTx, cur order.Order, locked bool, fn func(*order.Order) ([]commerce.Envelope, error)) (order.Order, error) {
	next := cur.Clone()
	events, err := fn(&next)
	if err != nil {
		return order.Order{}, &closureError{err}
	}
	if err := checkUpdate(cur, next); err != nil {
		return order.Order{}, err
	}
	if err := checkMoney(next); err != nil {
		return order.Order{}, err
	}
	canonical(&next)
	next.Version = cur.Version + 1
	row := p.Queue(`UPDATE order_orders SET customer_id = $2, email = $3, currency = $4, status = $5, subtotal = $6,
		discount = $7, shipping = $8, tax = $9, total = $10, shipping_address = $11, billing_address = $12,
		reservation_id = $13, payment_method = $14, capture = $15, payment_ids = $16, shipment = $17,
		failure_code = $18, failure_message = $19, settled = $20, updated_at = $21, version = $22,
		returns = $23, external_refunds = $24, promotions = $25, gift_cards = $26
		WHERE id = $1 AND version = $27`,
		next.ID, nullIfEmpty(next.CustomerID.String()), next.Email, next.Currency, string(next.Status),
		next.Totals.Subtotal.Amount(), next.Totals.Discount.Amount(), next.Totals.Shipping.Amount(),
		next.Totals.Tax.Amount(), next.Totals.Total.Amount(), next.ShippingAddress, next.BillingAddress,
		next.ReservationID, next.PaymentMethod, string(next.Capture), paymentIDStrings(next.PaymentIDs),
		next.Shipment, next.FailureCode, next.FailureMessage, next.Settled, next.UpdatedAt, next.Version,
		returnsJSON(next.Returns), externalRefundsJSON(next.ExternalRefunds), promotionsJSON(next.Promotions),
		giftCardsJSON(next.GiftCards), cur.Version)
	check := func(tag pgconn.CommandTag) error {
		if tag.RowsAffected() == 0 {
			return commerce.Errorf(commerce.CodeConflict, "postgres: order %s changed since version %d, or is gone", cur.ID, cur.Version).
				WithDetail("order_id", cur.ID.String())
		}
		return nil
	}
	if locked {
		row.Exec(check)
	} else {
		p.guard(row, check)
	}
	if added := next.History[len(cur.History):]; len(added) > 0 {
		from, to, actor, reason, at := historyArgs(added)
		p.Queue(`INSERT INTO order_history (order_id, seq, from_status, to_status, actor, reason, at)
			SELECT $1, $2 + v.n - 1, v.from_status, v.to_status, v.actor, v.reason, v.at
			FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
				WITH ORDINALITY AS v(from_status, to_status, actor, reason, at, n)`,
			next.ID, len(cur.History), from, to, actor, reason, at)
	}
	if err := s.opts.publish(ctx, p, events); err != nil {
		return order.Order{}, err
	}
	return next, nil
}

// returnsJSON is the returns column of an order: never null.
func returnsJSON(rs []order.Return) []order.Return {
	if rs == nil {
		return []order.Return{}
	}
	return rs
}

// promotionsJSON is the promotions column of an order: never null.
func promotionsJSON(ps []promotion.Applied) []promotion.Applied {
	if ps == nil {
		return []promotion.Applied{}
	}
	return ps
}

// giftCardsJSON is the gift_cards column of an order: never null.
func giftCardsJSON(gs []order.GiftCard) []order.GiftCard {
	if gs == nil {
		return []order.GiftCard{}
	}
	return gs
}

// externalRefundsJSON is the external_refunds column of an order: never
// null.
func externalRefundsJSON(rs []order.ExternalRefund) []order.ExternalRefund {
	if rs == nil {
		return []order.ExternalRefund{}
	}
	return rs
}

// checkUpdate refuses what an update closure must not do: change what
// identifies the order or its lines, or rewrite its history.
func checkUpdate(cur, next order.Order) error {
	if next.ID != cur.ID || next.Number != cur.Number || next.IdempotencyKey != cur.IdempotencyKey ||
		next.CartID != cur.CartID || next.CartVersion != cur.CartVersion || !next.CreatedAt.Equal(cur.CreatedAt) || !slices.Equal(next.Lines, cur.Lines) {
		return commerce.Errorf(commerce.CodeInternal, "postgres: an update of order %s changed its identity or lines", cur.ID)
	}
	if len(next.History) < len(cur.History) || !slices.Equal(next.History[:len(cur.History)], cur.History) {
		return commerce.Errorf(commerce.CodeInternal, "postgres: an update of order %s rewrote its history, which only grows", cur.ID)
	}
	return nil
}

// Discard implements order.Store. It costs two round trips, like Update.
func (s *OrderStore) Discard(ctx context.Context, id commerce.OrderID, fn func(order.Order) ([]commerce.Envelope, error)) error {
	return inPipe(ctx, s.pool, "discard order "+id.String(), func(p *pipeTx) error {
		cur, err := s.lock(ctx, p, id)
		if err != nil {
			return err
		}
		events, err := fn(cur.Clone())
		if err != nil {
			return &closureError{err}
		}
		// The lines and the history go with the order (ON DELETE CASCADE).
		p.Queue(`DELETE FROM order_orders WHERE id = $1`, id)
		if err := s.opts.publish(ctx, p, events); err != nil {
			return err
		}
		return p.commit(ctx)
	})
}

// orderCursor is where a List page ended: newest first by creation time,
// then by ID.
type orderCursor struct {
	CreatedAt time.Time        `json:"c"`
	ID        commerce.OrderID `json:"i"`
}

// List implements order.Store. It costs one round trip.
func (s *OrderStore) List(ctx context.Context, f order.ListFilter, page commerce.PageRequest) (commerce.Page[order.Order], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[order.Order]{}, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !f.CustomerID.IsZero() {
		where = append(where, "o.customer_id = "+arg(f.CustomerID))
	}
	if f.Status != "" {
		where = append(where, "o.status = "+arg(string(f.Status)))
	}
	if page.Cursor != "" {
		var after orderCursor
		if err := commerce.DecodeCursor(page.Cursor, &after); err != nil {
			return commerce.Page[order.Order]{}, err
		}
		where = append(where, "(o.created_at, o.id) < ("+arg(after.CreatedAt)+", "+arg(after.ID)+")")
	}
	q := orderSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	// One more than the page tells whether another page follows.
	q += " ORDER BY o.created_at DESC, o.id DESC LIMIT " + arg(page.Limit+1)
	items, err := s.query(ctx, "list orders", q, args...)
	if err != nil {
		return commerce.Page[order.Order]{}, err
	}
	out := commerce.Page[order.Order]{Items: items}
	if len(items) > page.Limit {
		out.Items = items[:page.Limit]
		last := out.Items[len(out.Items)-1]
		if out.NextCursor, err = commerce.EncodeCursor(orderCursor{CreatedAt: last.CreatedAt, ID: last.ID}); err != nil {
			return commerce.Page[order.Order]{}, err
		}
	}
	return out, nil
}

// Unsettled implements order.Store. It costs one round trip.
func (s *OrderStore) Unsettled(ctx context.Context, before time.Time, limit int) ([]order.Order, error) {
	if limit <= 0 {
		return []order.Order{}, nil
	}
	return s.query(ctx, "list unsettled orders",
		orderSelect+` WHERE NOT o.settled AND o.updated_at < $1 ORDER BY o.updated_at, o.id LIMIT $2`, before, limit)
}

// query returns the orders q selects; never nil.
func (s *OrderStore) query(ctx context.Context, doing, q string, args ...any) ([]order.Order, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, classify(err, doing)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (order.Order, error) { return scanOrder(r) })
	if err != nil {
		return nil, classify(err, doing)
	}
	if out == nil {
		out = []order.Order{}
	}
	return out, nil
}
