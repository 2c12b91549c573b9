package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
)

// InventoryStore is an inventory.Store on PostgreSQL (tables
// inventory_levels, inventory_thresholds, inventory_reservations,
// inventory_allocations, inventory_untracked_lines and
// inventory_movements).
//
// Every write is one read-committed transaction that takes row locks in a
// fixed order: the reservation row first (a new one by inserting it, so a
// concurrent Reserve with the same ID waits on the primary key and then
// sees the winner's reservation), then the level rows with
// SELECT ... WHERE sku = ANY($1) ORDER BY sku, location FOR UPDATE. The
// change, its ledger movements and its events (through the Outbox) are
// written in the same transaction. Its statements are pipelined (see
// pipeTx): BEGIN travels with the locks and reads, and COMMIT with the
// writes, so a reservation, its release or commit, and a stock adjustment
// each cost two round trips (an expiry sweep three). CHECK constraints
// keep 0 <= reserved <= on_hand whatever the code does. Admin writes on
// one SKU are serialised by a transaction-scoped advisory lock, so two of
// them creating the same level cannot both start from nothing. The
// sweeper locks due reservations with SKIP LOCKED, so it never waits on a
// checkout and several sweepers share the work.
type InventoryStore struct {
	pool *pgxpool.Pool
	opts *Options
}

var _ inventory.Store = (*InventoryStore)(nil)

// NewInventoryStore returns an InventoryStore on pool, whose schema
// Migrate has brought up to date.
func NewInventoryStore(pool *pgxpool.Pool, opts *Options) (*InventoryStore, error) {
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: NewInventoryStore needs a pool")
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &InventoryStore{pool: pool, opts: opts}, nil
}

const (
	lockLevels = `SELECT l.sku, l.location, l.on_hand, l.reserved, l.updated_at, t.low_stock_threshold
		FROM inventory_levels l LEFT JOIN inventory_thresholds t ON t.sku = l.sku
		WHERE l.sku `
	lockLevelsEnd = ` ORDER BY l.sku, l.location FOR UPDATE OF l`
	// sqlLockReservationLevels collects the reservations' SKUs first, as
	// an array, so the levels are found through their key: written as a
	// semi-join (l.sku IN (SELECT ...)), the generic plan of the prepared
	// statement hashed the allocations and scanned every level, once per
	// deduction or release, in a shop of some 10,000 levels.
	sqlLockReservationLevels = lockReservationLevels + `= ANY($1)` + lockReservationLevelsEnd
	// sqlLockOneReservationLevels is sqlLockReservationLevels for one
	// reservation, $1. Its parameter is no array: PostgreSQL plans a
	// statement with an array parameter anew at every execution (a custom
	// plan, which knows the array, looks cheaper than the generic one),
	// and for one reservation the planning took longer than the query.
	sqlLockOneReservationLevels = lockReservationLevels + `= $1` + lockReservationLevelsEnd
	lockReservationLevels       = `SELECT l.sku, l.location, l.on_hand, l.reserved, l.updated_at, t.low_stock_threshold
		FROM inventory_levels l LEFT JOIN inventory_thresholds t ON t.sku = l.sku
		WHERE l.sku = ANY (ARRAY(SELECT a.sku FROM inventory_allocations a WHERE a.reservation_id `
	lockReservationLevelsEnd = `))
		ORDER BY l.sku, l.location FOR UPDATE OF l`
	sqlReservation = `SELECT id, status, created_at, updated_at, expires_at
		FROM inventory_reservations WHERE id = $1`
	// sqlHeld reads what reservations hold: their allocations and, with
	// a NULL location, their untracked lines, in one query; sqlHeldOne
	// reads one reservation's, without an array (see
	// sqlLockOneReservationLevels).
	sqlHeld         = heldAllocations + `= ANY($1)` + heldUntracked + `= ANY($1)` + heldOrder
	sqlHeldOne      = heldAllocations + `= $1` + heldUntracked + `= $1` + heldOrder
	heldAllocations = `SELECT reservation_id, sku, location, quantity
		FROM inventory_allocations WHERE reservation_id `
	heldUntracked = `
		UNION ALL
		SELECT reservation_id, sku, NULL, quantity
		FROM inventory_untracked_lines WHERE reservation_id `
	heldOrder = `
		ORDER BY reservation_id, sku, location`
)

// CreateReservation implements inventory.Store.
func (s *InventoryStore) CreateReservation(ctx context.Context, res inventory.Reservation, fn func(inventory.Stock) (inventory.Change, error)) (*inventory.Reservation, error) {
	skus := make([]string, len(res.Lines))
	for i, l := range res.Lines {
		skus[i] = l.SKU
	}
	var existing *inventory.Reservation
	err := inPipe(ctx, s.pool, "reserve "+res.ID.String(), func(p *pipeTx) error {
		existing = nil
		// The insert takes the reservation's lock (or waits for the
		// transaction that holds it); the level locks follow, in order.
		insert := p.Queue(`INSERT INTO inventory_reservations (id, status, created_at, updated_at, expires_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
			res.ID.String(), string(res.Status), res.CreatedAt, res.UpdatedAt, res.ExpiresAt)
		var created bool
		insert.Exec(func(tag pgconn.CommandTag) error {
			created = tag.RowsAffected() == 1
			return nil
		})
		var stock inventory.Stock
		p.Queue(lockLevelsSQL(len(skus)), lockLevelsArgs(skus)...).Query(func(rows pgx.Rows) error {
			var err error
			stock, err = scanStock(rows)
			return err
		})
		if err := p.flush(ctx); err != nil {
			return err
		}
		if !created {
			found, err := loadReservation(ctx, p, res.ID, "")
			if err != nil {
				return err
			}
			existing = &found
			return p.commit(ctx)
		}
		change, err := fn(stock)
		if err != nil {
			return err
		}
		return s.write(ctx, p, stock, change, false, res.ID)
	})
	if err != nil {
		return nil, err
	}
	return existing, nil
}

// UpdateReservation implements inventory.Store.
func (s *InventoryStore) UpdateReservation(ctx context.Context, id commerce.ReservationID, fn func(inventory.Reservation, inventory.Stock) (inventory.Change, error)) error {
	return inPipe(ctx, s.pool, "update reservation "+id.String(), func(p *pipeTx) error {
		var res inventory.Reservation
		found := false
		p.Queue(sqlReservation+` FOR UPDATE`, id.String()).Query(func(rows pgx.Rows) error {
			list, err := scanReservations(rows)
			if len(list) == 1 {
				res, found = list[0], true
			}
			return err
		})
		var held map[string]heldLines
		p.Queue(sqlHeldOne, id.String()).Query(func(rows pgx.Rows) error {
			var err error
			held, err = scanHeld(rows)
			return err
		})
		var stock inventory.Stock
		p.Queue(sqlLockOneReservationLevels, id.String()).Query(func(rows pgx.Rows) error {
			var err error
			stock, err = scanStock(rows)
			return err
		})
		if err := p.flush(ctx); err != nil {
			return err
		}
		if !found {
			return commerce.Errorf(commerce.CodeNotFound, "postgres: reservation %s not found", id)
		}
		held[res.ID.String()].fill(&res)
		change, err := fn(res, stock)
		if err != nil {
			return err
		}
		return s.write(ctx, p, stock, change, false, "")
	})
}

// ExpireReservations implements inventory.Store.
func (s *InventoryStore) ExpireReservations(ctx context.Context, now time.Time, limit int, fn func([]inventory.Reservation, inventory.Stock) (inventory.Change, error)) (int, error) {
	var n int
	err := inPipe(ctx, s.pool, "expire reservations", func(p *pipeTx) error {
		var due []inventory.Reservation
		p.Queue(`SELECT id, status, created_at, updated_at, expires_at FROM inventory_reservations
			WHERE status = 'reserved' AND expires_at <= $1
			ORDER BY expires_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`, now, limit).Query(func(rows pgx.Rows) error {
			var err error
			due, err = scanReservations(rows)
			return err
		})
		if err := p.flush(ctx); err != nil {
			return err
		}
		n = len(due)
		if n == 0 {
			return p.commit(ctx)
		}
		ids := make([]string, n)
		for i, r := range due {
			ids[i] = r.ID.String()
		}
		var held map[string]heldLines
		p.Queue(sqlHeld, ids).Query(func(rows pgx.Rows) error {
			var err error
			held, err = scanHeld(rows)
			return err
		})
		var stock inventory.Stock
		p.Queue(sqlLockReservationLevels, ids).Query(func(rows pgx.Rows) error {
			var err error
			stock, err = scanStock(rows)
			return err
		})
		if err := p.flush(ctx); err != nil {
			return err
		}
		for i := range due {
			held[due[i].ID.String()].fill(&due[i])
		}
		change, err := fn(due, stock)
		if err != nil {
			return err
		}
		return s.write(ctx, p, stock, change, false, "")
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// UpdateStock implements inventory.Store.
func (s *InventoryStore) UpdateStock(ctx context.Context, sku string, fn func(inventory.Stock) (inventory.Change, error)) error {
	return inPipe(ctx, s.pool, "update stock of "+sku, func(p *pipeTx) error {
		// Levels may not exist yet, so there may be no row to lock: the
		// advisory lock serialises admin writes per SKU instead.
		p.Queue(`SELECT pg_advisory_xact_lock(hashtextextended('mercato.inventory.' || current_schema() || '.' || $1, 0))`, sku)
		var stock inventory.Stock
		p.Queue(lockLevelsSQL(1), sku).Query(func(rows pgx.Rows) error {
			var err error
			stock, err = scanStock(rows)
			return err
		})
		p.Queue(`SELECT low_stock_threshold FROM inventory_thresholds WHERE sku = $1`, sku).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var t int
				if err := rows.Scan(&t); err != nil {
					return err
				}
				stock.Thresholds[sku] = t
			}
			return rows.Err()
		})
		if err := p.flush(ctx); err != nil {
			return err
		}
		change, err := fn(stock)
		if err != nil {
			return err
		}
		return s.write(ctx, p, stock, change, true, "")
	})
}

// write queues change, its events (through the outbox) and COMMIT, and
// sends them: one round trip. locked is the stock the transaction locked
// and gave the closure. created names the reservation CreateReservation
// just inserted, whose allocations are new; upsert creates levels that do
// not exist.
func (s *InventoryStore) write(ctx context.Context, p *pipeTx, locked inventory.Stock, change inventory.Change, upsert bool, created commerce.ReservationID) error {
	if !upsert {
		if err := checkLevels(locked, change.Levels); err != nil {
			return err
		}
	}
	if n := len(change.Levels); n > 0 {
		skus, locations := make([]string, n), make([]string, n)
		onHand, reserved := make([]int32, n), make([]int32, n)
		updated := make([]time.Time, n)
		for i, l := range change.Levels {
			skus[i], locations[i], onHand[i], reserved[i], updated[i] = l.SKU, l.Location, int32(l.OnHand), int32(l.Reserved), l.UpdatedAt
		}
		if upsert {
			p.Queue(`INSERT INTO inventory_levels (sku, location, on_hand, reserved, updated_at)
				SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[], $5::timestamptz[])
				ON CONFLICT (sku, location) DO UPDATE
				SET on_hand = EXCLUDED.on_hand, reserved = EXCLUDED.reserved, updated_at = EXCLUDED.updated_at`,
				skus, locations, onHand, reserved, updated)
		} else if n <= maxValuesLevels {
			args := make([]any, 0, 5*n)
			for i := range n {
				args = append(args, skus[i], locations[i], onHand[i], reserved[i], updated[i])
			}
			p.Queue(levelsUpdateSQL(n), args...)
		} else {
			p.Queue(`UPDATE inventory_levels l SET on_hand = v.on_hand, reserved = v.reserved, updated_at = v.updated_at
				FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[], $5::timestamptz[]) AS v(sku, location, on_hand, reserved, updated_at)
				WHERE l.sku = v.sku AND l.location = v.location`,
				skus, locations, onHand, reserved, updated)
		}
	}
	var ids, statuses []string
	var updated []time.Time
	var aRes, aSKU, aLoc []string
	var aQty []int32
	var uRes, uSKU []string
	var uQty []int32
	for _, r := range change.Reservations {
		if r.ID == created {
			for _, a := range r.Allocations {
				aRes, aSKU, aLoc, aQty = append(aRes, r.ID.String()), append(aSKU, a.SKU), append(aLoc, a.Location), append(aQty, int32(a.Quantity))
			}
			for _, l := range r.Untracked {
				uRes, uSKU, uQty = append(uRes, r.ID.String()), append(uSKU, l.SKU), append(uQty, int32(l.Quantity))
			}
			continue
		}
		ids, statuses, updated = append(ids, r.ID.String()), append(statuses, string(r.Status)), append(updated, r.UpdatedAt)
	}
	if len(aRes) > 0 {
		p.Queue(`INSERT INTO inventory_allocations (reservation_id, sku, location, quantity)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[])`, aRes, aSKU, aLoc, aQty)
	}
	if len(uRes) > 0 {
		p.Queue(`INSERT INTO inventory_untracked_lines (reservation_id, sku, quantity)
			SELECT * FROM unnest($1::text[], $2::text[], $3::integer[])`, uRes, uSKU, uQty)
	}
	switch len(ids) {
	case 0:
	case 1:
		// No arrays for one reservation (a deduction, a release), so that
		// the statement keeps its generic plan (see
		// sqlLockOneReservationLevels).
		p.Queue(`UPDATE inventory_reservations SET status = $2, updated_at = $3 WHERE id = $1`, ids[0], statuses[0], updated[0])
	default:
		p.Queue(`UPDATE inventory_reservations r SET status = v.status, updated_at = v.updated_at
			FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(id, status, updated_at)
			WHERE r.id = v.id`, ids, statuses, updated)
	}
	if len(change.Thresholds) > 0 {
		var skus []string
		var values []int32
		for sku, t := range change.Thresholds {
			skus, values = append(skus, sku), append(values, int32(t))
		}
		p.Queue(`INSERT INTO inventory_thresholds (sku, low_stock_threshold)
			SELECT * FROM unnest($1::text[], $2::integer[])
			ON CONFLICT (sku) DO UPDATE SET low_stock_threshold = EXCLUDED.low_stock_threshold`, skus, values)
	}
	if n := len(change.Movements); n > 0 {
		skus, locations, kinds, reasons, resIDs := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		onHand, reserved := make([]int32, n), make([]int32, n)
		at := make([]time.Time, n)
		for i, m := range change.Movements {
			skus[i], locations[i], kinds[i], reasons[i], resIDs[i] = m.SKU, m.Location, string(m.Kind), m.Reason, m.ReservationID.String()
			onHand[i], reserved[i], at[i] = int32(m.OnHandDelta), int32(m.ReservedDelta), m.At
		}
		p.Queue(`INSERT INTO inventory_movements (sku, location, on_hand_delta, reserved_delta, kind, reason, reservation_id, at)
			SELECT v.sku, v.location, v.on_hand_delta, v.reserved_delta, v.kind, v.reason, NULLIF(v.reservation_id, ''), v.at
			FROM unnest($1::text[], $2::text[], $3::integer[], $4::integer[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
				WITH ORDINALITY AS v(sku, location, on_hand_delta, reserved_delta, kind, reason, reservation_id, at, n)
			ORDER BY v.n`,
			skus, locations, onHand, reserved, kinds, reasons, resIDs, at)
	}
	if err := s.opts.publish(ctx, p, change.Events); err != nil {
		return err
	}
	return p.commit(ctx)
}

// maxValuesLevels is how many levels a write updates with levelsUpdateSQL
// at most; more take one statement over arrays.
const maxValuesLevels = 16

// levelsUpdateSQL is the UPDATE of n levels, their new values in n rows
// of parameters (sku, location, on hand, reserved, updated at). An order's
// few levels are written this way rather than from arrays: PostgreSQL
// plans a statement with array parameters anew at every execution (the
// custom plan, which knows the arrays, looks cheaper than the generic one,
// which assumes ten elements), and that planning took longer than the
// update. With n rows of parameters the generic plan is exact, and kept.
func levelsUpdateSQL(n int) string {
	var b strings.Builder
	b.WriteString(`UPDATE inventory_levels l SET on_hand = v.on_hand, reserved = v.reserved, updated_at = v.updated_at FROM (VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		k := 5 * i
		fmt.Fprintf(&b, "($%d::text, $%d::text, $%d::integer, $%d::integer, $%d::timestamptz)", k+1, k+2, k+3, k+4, k+5)
	}
	b.WriteString(`) AS v(sku, location, on_hand, reserved, updated_at) WHERE l.sku = v.sku AND l.location = v.location`)
	return b.String()
}

// lockLevelsSQL locks and reads the levels of n SKUs, with their
// thresholds, in key order. Up to maxValuesLevels SKUs are n scalar
// parameters, for the reason levelsUpdateSQL gives (an array parameter is
// planned anew at every execution); more are one array, $1.
func lockLevelsSQL(n int) string {
	if n == 0 || n > maxValuesLevels {
		return lockLevels + `= ANY($1)` + lockLevelsEnd
	}
	var b strings.Builder
	b.WriteString(lockLevels + `IN (`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", i+1)
	}
	b.WriteString(`)` + lockLevelsEnd)
	return b.String()
}

// lockLevelsArgs are the parameters of lockLevelsSQL(len(skus)).
func lockLevelsArgs(skus []string) []any {
	if len(skus) == 0 || len(skus) > maxValuesLevels {
		return []any{skus}
	}
	args := make([]any, len(skus))
	for i, sku := range skus {
		args[i] = sku
	}
	return args
}

// checkLevels refuses a change of levels that the transaction did not
// lock, or of one level twice, before anything is sent. The locked rows
// cannot vanish before COMMIT, so the UPDATE then changes exactly the
// levels of the change; checking its command tag instead would be too
// late, as COMMIT travels in the same round trip.
func checkLevels(locked inventory.Stock, levels []inventory.Level) error {
	type key struct{ sku, location string }
	have := make(map[key]bool, len(locked.Levels))
	for _, l := range locked.Levels {
		have[key{l.SKU, l.Location}] = true
	}
	seen := make(map[key]bool, len(levels))
	for _, l := range levels {
		k := key{l.SKU, l.Location}
		if !have[k] || seen[k] {
			return commerce.Errorf(commerce.CodeInternal, "postgres: a change of stock level %s at %q that is not locked or is changed twice", l.SKU, l.Location)
		}
		seen[k] = true
	}
	return nil
}

// Reservation implements inventory.Store.
func (s *InventoryStore) Reservation(ctx context.Context, id commerce.ReservationID) (inventory.Reservation, error) {
	res, err := loadReservation(ctx, s.pool, id, "")
	return res, classify(err, "read reservation "+id.String())
}

// querier is what loadReservation needs of a pool or a transaction.
type querier interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// loadReservation reads reservation id with its allocations; suffix is
// appended to the reservation's query (a locking clause).
func loadReservation(ctx context.Context, q querier, id commerce.ReservationID, suffix string) (inventory.Reservation, error) {
	batch := &pgx.Batch{}
	var list []inventory.Reservation
	batch.Queue(sqlReservation+suffix, id.String()).Query(func(rows pgx.Rows) error {
		var err error
		list, err = scanReservations(rows)
		return err
	})
	var held map[string]heldLines
	batch.Queue(sqlHeldOne, id.String()).Query(func(rows pgx.Rows) error {
		var err error
		held, err = scanHeld(rows)
		return err
	})
	if err := q.SendBatch(ctx, batch).Close(); err != nil {
		return inventory.Reservation{}, err
	}
	if len(list) == 0 {
		return inventory.Reservation{}, commerce.Errorf(commerce.CodeNotFound, "postgres: reservation %s not found", id)
	}
	res := list[0]
	held[res.ID.String()].fill(&res)
	return res, nil
}

// Levels implements inventory.Store.
func (s *InventoryStore) Levels(ctx context.Context, sku string) ([]inventory.Level, error) {
	rows, err := s.pool.Query(ctx, `SELECT sku, location, on_hand, reserved, updated_at, NULL::integer
		FROM inventory_levels WHERE sku = $1 ORDER BY location`, sku)
	if err != nil {
		return nil, classify(err, "read stock of "+sku)
	}
	stock, err := scanStock(rows)
	if err != nil {
		return nil, classify(err, "read stock of "+sku)
	}
	if stock.Levels == nil {
		stock.Levels = []inventory.Level{}
	}
	return stock.Levels, nil
}

// Movements implements inventory.Store.
func (s *InventoryStore) Movements(ctx context.Context, sku string, afterID int64, limit int) ([]inventory.Movement, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, sku, location, on_hand_delta, reserved_delta, kind, reason, COALESCE(reservation_id, ''), at
		FROM inventory_movements WHERE sku = $1 AND id > $2 ORDER BY id LIMIT $3`, sku, afterID, limit)
	if err != nil {
		return nil, classify(err, "read movements of "+sku)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (inventory.Movement, error) {
		var m inventory.Movement
		var kind, resID string
		err := row.Scan(&m.ID, &m.SKU, &m.Location, &m.OnHandDelta, &m.ReservedDelta, &kind, &m.Reason, &resID, &m.At)
		m.Kind, m.ReservationID, m.At = inventory.MovementKind(kind), commerce.ReservationID(resID), m.At.UTC()
		return m, err
	})
	if err != nil {
		return nil, classify(err, "read movements of "+sku)
	}
	return out, nil
}

func scanStock(rows pgx.Rows) (inventory.Stock, error) {
	stock := inventory.Stock{Thresholds: map[string]int{}}
	defer rows.Close()
	for rows.Next() {
		var l inventory.Level
		var threshold *int
		if err := rows.Scan(&l.SKU, &l.Location, &l.OnHand, &l.Reserved, &l.UpdatedAt, &threshold); err != nil {
			return stock, err
		}
		l.UpdatedAt = l.UpdatedAt.UTC()
		stock.Levels = append(stock.Levels, l)
		if threshold != nil {
			stock.Thresholds[l.SKU] = *threshold
		}
	}
	return stock, rows.Err()
}

func scanReservations(rows pgx.Rows) ([]inventory.Reservation, error) {
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (inventory.Reservation, error) {
		var r inventory.Reservation
		var id, status string
		err := row.Scan(&id, &status, &r.CreatedAt, &r.UpdatedAt, &r.ExpiresAt)
		r.ID, r.Status = commerce.ReservationID(id), inventory.Status(status)
		r.CreatedAt, r.UpdatedAt, r.ExpiresAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), r.ExpiresAt.UTC()
		return r, err
	})
}

// heldLines is what one reservation holds, as sqlHeld reads it.
type heldLines struct {
	allocations []inventory.Allocation
	untracked   []inventory.Line
}

// fill sets res's allocations, untracked lines and, from both, its lines.
func (h heldLines) fill(res *inventory.Reservation) {
	res.Allocations, res.Untracked = h.allocations, h.untracked
	res.Lines = inventory.LinesOf(h.allocations, h.untracked...)
}

// scanHeld reads sqlHeld's rows per reservation ID; a row without a
// location is an untracked line.
func scanHeld(rows pgx.Rows) (map[string]heldLines, error) {
	out := map[string]heldLines{}
	defer rows.Close()
	for rows.Next() {
		var id, sku string
		var location *string
		var quantity int
		if err := rows.Scan(&id, &sku, &location, &quantity); err != nil {
			return nil, err
		}
		h := out[id]
		if location == nil {
			h.untracked = append(h.untracked, inventory.Line{SKU: sku, Quantity: quantity})
		} else {
			h.allocations = append(h.allocations, inventory.Allocation{SKU: sku, Location: *location, Quantity: quantity})
		}
		out[id] = h
	}
	return out, rows.Err()
}
