package postgres

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// PromotionStore is a promotion.Store on PostgreSQL (tables
// promotion_promotions, promotion_codes, promotion_customer_uses,
// promotion_redemptions, promotion_gift_cards and
// promotion_gift_card_payments).
//
// Records are kept whole as JSON beside the columns queries use; the
// counters (a promotion's spent amount, a code's uses, a buyer's uses of a
// code, a card's balance) are columns, authoritative, and CHECKed never
// to go below zero. Every write is one read-committed transaction taking
// row locks in the port's order: a redemption or gift-card payment row
// first (a new one by inserting it, so a concurrent write for the same
// order waits on the primary key and then sees the winner's), then
// promotions by ID, then codes by code, then gift cards by ID, each with
// SELECT ... ORDER BY ... FOR UPDATE. The limits the service checks under
// those locks therefore hold under any number of concurrent checkouts.
// The store publishes no events.
type PromotionStore struct {
	pool *pgxpool.Pool
}

var _ promotion.Store = (*PromotionStore)(nil)

// NewPromotionStore returns a PromotionStore on pool, whose schema
// Migrate has brought up to date. opts is accepted for symmetry with the
// other stores; the store publishes no events, so it needs no outbox.
func NewPromotionStore(pool *pgxpool.Pool, opts *Options) (*PromotionStore, error) {
	_ = opts
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "postgres: NewPromotionStore needs a pool")
	}
	return &PromotionStore{pool: pool}, nil
}

func (s *PromotionStore) tx(ctx context.Context, doing string, fn func(pgx.Tx) error) error {
	return inTx(ctx, s.pool, doing, fn)
}

// scanPromotion reads (spent, body) into a promotion with its Spent.
func scanPromotion(row pgx.Row) (promotion.Promotion, error) {
	var spent int64
	var body []byte
	if err := row.Scan(&spent, &body); err != nil {
		return promotion.Promotion{}, err
	}
	return decodePromotion(spent, body)
}

func decodePromotion(spent int64, body []byte) (promotion.Promotion, error) {
	var p promotion.Promotion
	if err := json.Unmarshal(body, &p); err != nil {
		return promotion.Promotion{}, commerce.Errorf(commerce.CodeInternal, "postgres: a stored promotion does not decode: %w", err)
	}
	p.Spent = nil
	if p.Budget != nil {
		sp, err := commerce.NewMoney(spent, p.Budget.Currency())
		if err != nil {
			return promotion.Promotion{}, commerce.Errorf(commerce.CodeInternal, "postgres: promotion %s: %w", p.ID, err)
		}
		p.Spent = &sp
	}
	return p, nil
}

func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInternal, "postgres: encode: %w", err)
	}
	return b, nil
}

const promotionColumns = `spent, body`

// CreatePromotion implements promotion.Store.
func (s *PromotionStore) CreatePromotion(ctx context.Context, p promotion.Promotion) error {
	p.Spent = nil
	body, err := encode(p)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO promotion_promotions (id, trigger, active, starts_at, ends_at, body)
		VALUES ($1, $2, $3, $4, $5, $6)`, p.ID.String(), string(p.Trigger), p.Active, p.StartsAt, p.EndsAt, body)
	return classify(err, "create promotion "+p.ID.String())
}

// UpdatePromotion implements promotion.Store.
func (s *PromotionStore) UpdatePromotion(ctx context.Context, id commerce.PromotionID, fn func(promotion.Promotion) (promotion.Promotion, error)) (promotion.Promotion, error) {
	var out promotion.Promotion
	err := s.tx(ctx, "update promotion "+id.String(), func(tx pgx.Tx) error {
		cur, err := scanPromotion(tx.QueryRow(ctx, `SELECT `+promotionColumns+` FROM promotion_promotions WHERE id = $1 FOR UPDATE`, id.String()))
		if err != nil {
			return err
		}
		next, err := fn(cur.Clone())
		if err != nil {
			return err
		}
		next.ID, next.Spent = id, nil
		body, err := encode(next)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE promotion_promotions SET trigger = $2, active = $3, starts_at = $4, ends_at = $5, body = $6
			WHERE id = $1`, id.String(), string(next.Trigger), next.Active, next.StartsAt, next.EndsAt, body); err != nil {
			return err
		}
		out, err = scanPromotion(tx.QueryRow(ctx, `SELECT `+promotionColumns+` FROM promotion_promotions WHERE id = $1`, id.String()))
		return err
	})
	return out, err
}

// Promotion implements promotion.Store.
func (s *PromotionStore) Promotion(ctx context.Context, id commerce.PromotionID) (promotion.Promotion, error) {
	p, err := scanPromotion(s.pool.QueryRow(ctx, `SELECT `+promotionColumns+` FROM promotion_promotions WHERE id = $1`, id.String()))
	return p, classify(err, "read promotion "+id.String())
}

func collectPromotions(rows pgx.Rows, err error) ([]promotion.Promotion, error) {
	if err != nil {
		return nil, err
	}
	var out []promotion.Promotion
	for rows.Next() {
		p, err := scanPromotion(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Promotions implements promotion.Store.
func (s *PromotionStore) Promotions(ctx context.Context, ids []commerce.PromotionID) ([]promotion.Promotion, error) {
	out, err := collectPromotions(s.pool.Query(ctx, `SELECT `+promotionColumns+` FROM promotion_promotions WHERE id = ANY($1)`, idStrings(ids)))
	return out, classify(err, "read promotions")
}

// AutomaticPromotions implements promotion.Store.
func (s *PromotionStore) AutomaticPromotions(ctx context.Context, now time.Time) ([]promotion.Promotion, error) {
	out, err := collectPromotions(s.pool.Query(ctx, `SELECT `+promotionColumns+` FROM promotion_promotions
		WHERE trigger = 'automatic' AND active AND (starts_at IS NULL OR starts_at <= $1) AND (ends_at IS NULL OR ends_at > $1)`, now))
	return out, classify(err, "read automatic promotions")
}

// listCursor is where a page of a list ended.
type listCursor struct {
	After string `json:"after"`
}

func decodeListCursor(page commerce.PageRequest) (string, error) {
	if page.Cursor == "" {
		return "", nil
	}
	var c listCursor
	if err := commerce.DecodeCursor(page.Cursor, &c); err != nil {
		return "", err
	}
	return c.After, nil
}

// pageFrom trims items fetched with limit+1 to a page.
func pageFrom[T any](items []T, limit int, key func(T) string) (commerce.Page[T], error) {
	out := commerce.Page[T]{Items: items}
	if out.Items == nil {
		out.Items = []T{}
	}
	if len(items) > limit {
		out.Items = items[:limit]
		next, err := commerce.EncodeCursor(listCursor{After: key(items[limit-1])})
		if err != nil {
			return commerce.Page[T]{}, err
		}
		out.NextCursor = next
	}
	return out, nil
}

// ListPromotions implements promotion.Store.
func (s *PromotionStore) ListPromotions(ctx context.Context, filter promotion.PromotionFilter, page commerce.PageRequest) (commerce.Page[promotion.Promotion], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[promotion.Promotion]{}, err
	}
	after, err := decodeListCursor(page)
	if err != nil {
		return commerce.Page[promotion.Promotion]{}, err
	}
	items, err := collectPromotions(s.pool.Query(ctx, `SELECT `+promotionColumns+` FROM promotion_promotions
		WHERE ($1 = '' OR id < $1) AND ($2 = '' OR trigger = $2) AND ($3::boolean IS NULL OR active = $3)
		ORDER BY id DESC LIMIT $4`, after, string(filter.Trigger), filter.Active, page.Limit+1))
	if err != nil {
		return commerce.Page[promotion.Promotion]{}, classify(err, "list promotions")
	}
	return pageFrom(items, page.Limit, func(p promotion.Promotion) string { return p.ID.String() })
}

func scanCode(row pgx.Row) (promotion.Code, error) {
	var uses int
	var body []byte
	if err := row.Scan(&uses, &body); err != nil {
		return promotion.Code{}, err
	}
	var c promotion.Code
	if err := json.Unmarshal(body, &c); err != nil {
		return promotion.Code{}, commerce.Errorf(commerce.CodeInternal, "postgres: a stored code does not decode: %w", err)
	}
	c.Uses = uses
	return c, nil
}

func collectCodes(rows pgx.Rows, err error) ([]promotion.Code, error) {
	if err != nil {
		return nil, err
	}
	var out []promotion.Code
	for rows.Next() {
		c, err := scanCode(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateCode implements promotion.Store.
func (s *PromotionStore) CreateCode(ctx context.Context, c promotion.Code) error {
	c.Uses = 0
	body, err := encode(c)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO promotion_codes (code, promotion_id, body) VALUES ($1, $2, $3)`, c.Code, c.PromotionID.String(), body)
	err = classify(err, "create code "+c.Code)
	switch commerce.Code(err) {
	case commerce.CodeConflict:
		return commerce.Errorf(commerce.CodeConflict, "postgres: code %s exists", c.Code).WithDetail("field", "code")
	case commerce.CodeFailedPrecondition:
		return commerce.Errorf(commerce.CodeFailedPrecondition, "postgres: promotion %s not found", c.PromotionID).WithDetail("field", "promotion_id")
	}
	return err
}

// UpdateCode implements promotion.Store.
func (s *PromotionStore) UpdateCode(ctx context.Context, code string, fn func(promotion.Code) (promotion.Code, error)) (promotion.Code, error) {
	var out promotion.Code
	err := s.tx(ctx, "update code "+code, func(tx pgx.Tx) error {
		cur, err := scanCode(tx.QueryRow(ctx, `SELECT uses, body FROM promotion_codes WHERE code = $1 FOR UPDATE`, code))
		if err != nil {
			return err
		}
		next, err := fn(cur)
		if err != nil {
			return err
		}
		next.Code, next.PromotionID, next.Uses = cur.Code, cur.PromotionID, cur.Uses
		body, err := encode(next)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE promotion_codes SET body = $2 WHERE code = $1`, code, body); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// Codes implements promotion.Store.
func (s *PromotionStore) Codes(ctx context.Context, codes []string) ([]promotion.Code, error) {
	out, err := collectCodes(s.pool.Query(ctx, `SELECT uses, body FROM promotion_codes WHERE code = ANY($1)`, codes))
	return out, classify(err, "read codes")
}

// ListCodes implements promotion.Store.
func (s *PromotionStore) ListCodes(ctx context.Context, id commerce.PromotionID, page commerce.PageRequest) (commerce.Page[promotion.Code], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[promotion.Code]{}, err
	}
	after, err := decodeListCursor(page)
	if err != nil {
		return commerce.Page[promotion.Code]{}, err
	}
	items, err := collectCodes(s.pool.Query(ctx, `SELECT uses, body FROM promotion_codes
		WHERE ($1 = '' OR promotion_id = $1) AND code > $2 ORDER BY code LIMIT $3`, id.String(), after, page.Limit+1))
	if err != nil {
		return commerce.Page[promotion.Code]{}, classify(err, "list codes")
	}
	return pageFrom(items, page.Limit, func(c promotion.Code) string { return c.Code })
}

// CustomerUses implements promotion.Store.
func (s *PromotionStore) CustomerUses(ctx context.Context, customerKey string, codes []string) (map[string]int, error) {
	out := map[string]int{}
	rows, err := s.pool.Query(ctx, `SELECT code, uses FROM promotion_customer_uses WHERE customer_key = $1 AND code = ANY($2) AND uses > 0`, customerKey, codes)
	if err != nil {
		return nil, classify(err, "read customer uses")
	}
	var code string
	var uses int
	_, err = pgx.ForEachRow(rows, []any{&code, &uses}, func() error {
		out[code] = uses
		return nil
	})
	return out, classify(err, "read customer uses")
}

func decodeRedemption(body []byte) (promotion.Redemption, error) {
	var r promotion.Redemption
	if err := json.Unmarshal(body, &r); err != nil {
		return promotion.Redemption{}, commerce.Errorf(commerce.CodeInternal, "postgres: a stored redemption does not decode: %w", err)
	}
	return r, nil
}

// queuer queues a statement: a *pgx.Batch or a *pipeTx.
type queuer interface {
	Queue(sql string, args ...any) *pgx.QueuedQuery
}

// count queues the statements that add (sign 1) or remove (sign -1) r
// from the counters, whose rows the transaction has locked.
func count(q queuer, r promotion.Redemption, sign int) {
	for _, l := range r.Lines {
		q.Queue(`UPDATE promotion_promotions SET spent = spent + $2 WHERE id = $1`, l.PromotionID.String(), int64(sign)*l.Amount.Amount())
		if l.Code == "" {
			continue
		}
		q.Queue(`UPDATE promotion_codes SET uses = uses + $2 WHERE code = $1`, l.Code, sign)
		switch {
		case r.CustomerKey == "":
		case sign > 0:
			q.Queue(`INSERT INTO promotion_customer_uses (code, customer_key, uses) VALUES ($1, $2, 1)
				ON CONFLICT (code, customer_key) DO UPDATE SET uses = promotion_customer_uses.uses + 1`,
				l.Code, r.CustomerKey)
		default:
			// Not an upsert: the row exists, and a proposed row of -1
			// would fail the CHECK before the conflict is seen.
			q.Queue(`UPDATE promotion_customer_uses SET uses = uses - 1 WHERE code = $1 AND customer_key = $2`,
				l.Code, r.CustomerKey)
		}
	}
}

// usageKeys returns the sorted promotion IDs and codes of lines.
func usageKeys(lines []promotion.RedemptionLine) (ids, codes []string) {
	for _, l := range lines {
		ids = append(ids, l.PromotionID.String())
		if l.Code != "" {
			codes = append(codes, l.Code)
		}
	}
	slices.Sort(ids)
	slices.Sort(codes)
	return slices.Compact(ids), slices.Compact(codes)
}

const (
	sqlLockPromotions = `SELECT ` + promotionColumns + ` FROM promotion_promotions WHERE id = ANY($1) ORDER BY id FOR UPDATE`
	sqlLockCodes      = `SELECT uses, body FROM promotion_codes WHERE code = ANY($1) ORDER BY code FOR UPDATE`
	sqlCustomerUses   = `SELECT code, uses FROM promotion_customer_uses WHERE customer_key = $1 AND code = ANY($2) AND uses > 0`
)

// CreateRedemption implements promotion.Store. It costs two round trips:
// BEGIN, the insert that takes the order's lock, and the locking reads of
// the promotions, codes and the buyer's uses travel together; the counter
// updates travel with COMMIT.
func (s *PromotionStore) CreateRedemption(ctx context.Context, r promotion.Redemption, check func(promotion.Usage) error) (*promotion.Redemption, error) {
	body, err := encode(r)
	if err != nil {
		return nil, err
	}
	ids, codes := usageKeys(r.Lines)
	var existing *promotion.Redemption
	err = inPipe(ctx, s.pool, "reserve promotions for "+r.OrderID.String(), func(p *pipeTx) error {
		existing = nil
		u := promotion.Usage{Promotions: map[commerce.PromotionID]promotion.Promotion{}, Codes: map[string]promotion.Code{}, CustomerUses: map[string]int{}}
		// The insert takes the order's lock, or waits for the
		// transaction that holds it and then sees its row.
		inserted := false
		p.Queue(`INSERT INTO promotion_redemptions (order_id, status, expires_at, body) VALUES ($1, $2, $3, $4)
			ON CONFLICT (order_id) DO NOTHING`, r.OrderID.String(), string(r.Status), r.ExpiresAt, body).
			Exec(func(tag pgconn.CommandTag) error {
				inserted = tag.RowsAffected() == 1
				return nil
			})
		var stored []byte
		p.Queue(`SELECT body FROM promotion_redemptions WHERE order_id = $1`, r.OrderID.String()).
			QueryRow(func(row pgx.Row) error { return row.Scan(&stored) })
		p.Queue(sqlLockPromotions, ids).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				pr, err := scanPromotion(rows)
				if err != nil {
					return err
				}
				u.Promotions[pr.ID] = pr
			}
			return rows.Err()
		})
		if len(codes) > 0 {
			p.Queue(sqlLockCodes, codes).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					c, err := scanCode(rows)
					if err != nil {
						return err
					}
					u.Codes[c.Code] = c
				}
				return rows.Err()
			})
			if r.CustomerKey != "" {
				p.Queue(sqlCustomerUses, r.CustomerKey, codes).Query(func(rows pgx.Rows) error {
					var code string
					var uses int
					for rows.Next() {
						if err := rows.Scan(&code, &uses); err != nil {
							return err
						}
						u.CustomerUses[code] = uses
					}
					return rows.Err()
				})
			}
		}
		if err := p.flush(ctx); err != nil {
			return err
		}
		if !inserted {
			e, err := decodeRedemption(stored)
			if err != nil {
				return err
			}
			existing = &e
			return nil // the transaction wrote nothing; release rolls it back
		}
		if err := check(u); err != nil {
			return &closureError{err}
		}
		if r.Status.Counts() {
			count(p, r, 1)
		}
		return p.commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	return existing, nil
}

// UpdateRedemption implements promotion.Store. It costs two round trips:
// BEGIN with the locking read of the redemption, then (behind the locks
// of its promotions and codes when the counters move) the writes with
// COMMIT.
func (s *PromotionStore) UpdateRedemption(ctx context.Context, orderID commerce.OrderID, fn func(promotion.Redemption) (promotion.Redemption, error)) (promotion.Redemption, error) {
	var out promotion.Redemption
	err := inPipe(ctx, s.pool, "update the redemption of "+orderID.String(), func(p *pipeTx) error {
		var b []byte
		if err := p.QueryRow(ctx, `SELECT body FROM promotion_redemptions WHERE order_id = $1 FOR UPDATE`, orderID.String()).Scan(&b); err != nil {
			return err
		}
		cur, err := decodeRedemption(b)
		if err != nil {
			return err
		}
		next, err := fn(cur.Clone())
		if err != nil {
			return &closureError{err}
		}
		stored := cur.Clone()
		stored.Status, stored.UpdatedAt, stored.ExpiresAt = next.Status, next.UpdatedAt, next.ExpiresAt
		if stored.Status == cur.Status && stored.UpdatedAt.Equal(cur.UpdatedAt) && stored.ExpiresAt.Equal(cur.ExpiresAt) {
			out = cur
			return nil
		}
		if cur.Status.Counts() != stored.Status.Counts() {
			// The counters' rows are locked in the port's order before
			// the updates touch them.
			ids, codes := usageKeys(cur.Lines)
			p.Queue(`SELECT id FROM promotion_promotions WHERE id = ANY($1) ORDER BY id FOR UPDATE`, ids)
			if len(codes) > 0 {
				p.Queue(`SELECT code FROM promotion_codes WHERE code = ANY($1) ORDER BY code FOR UPDATE`, codes)
			}
			sign := 1
			if cur.Status.Counts() {
				sign = -1
			}
			count(p, cur, sign)
		}
		body, err := encode(stored)
		if err != nil {
			return err
		}
		p.Queue(`UPDATE promotion_redemptions SET status = $2, expires_at = $3, body = $4 WHERE order_id = $1`,
			orderID.String(), string(stored.Status), stored.ExpiresAt, body)
		if err := p.commit(ctx); err != nil {
			return err
		}
		out = stored
		return nil
	})
	return out, err
}

// Redemption implements promotion.Store.
func (s *PromotionStore) Redemption(ctx context.Context, orderID commerce.OrderID) (promotion.Redemption, error) {
	var b []byte
	if err := s.pool.QueryRow(ctx, `SELECT body FROM promotion_redemptions WHERE order_id = $1`, orderID.String()).Scan(&b); err != nil {
		return promotion.Redemption{}, classify(err, "read the redemption of "+orderID.String())
	}
	return decodeRedemption(b)
}

func (s *PromotionStore) due(ctx context.Context, doing, query string, now time.Time, limit int) ([]commerce.OrderID, error) {
	rows, err := s.pool.Query(ctx, query, now, limit)
	if err != nil {
		return nil, classify(err, doing)
	}
	var out []commerce.OrderID
	var id string
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		out = append(out, commerce.OrderID(id))
		return nil
	})
	return out, classify(err, doing)
}

// DueRedemptions implements promotion.Store.
func (s *PromotionStore) DueRedemptions(ctx context.Context, now time.Time, limit int) ([]commerce.OrderID, error) {
	return s.due(ctx, "find expired redemptions", `SELECT order_id FROM promotion_redemptions
		WHERE status = 'reserved' AND expires_at <= $1 ORDER BY expires_at, order_id LIMIT $2`, now, limit)
}

// giftCardColumns are what scanGiftCard reads.
const giftCardColumns = `code_hash, balance, body`

func scanGiftCard(row pgx.Row) (promotion.GiftCard, error) {
	var hash string
	var balance int64
	var body []byte
	if err := row.Scan(&hash, &balance, &body); err != nil {
		return promotion.GiftCard{}, err
	}
	var g promotion.GiftCard
	if err := json.Unmarshal(body, &g); err != nil {
		return promotion.GiftCard{}, commerce.Errorf(commerce.CodeInternal, "postgres: a stored gift card does not decode: %w", err)
	}
	b, err := commerce.NewMoney(balance, g.Currency)
	if err != nil {
		return promotion.GiftCard{}, commerce.Errorf(commerce.CodeInternal, "postgres: gift card %s: %w", g.ID, err)
	}
	g.CodeHash, g.Balance = hash, b
	return g, nil
}

func collectGiftCards(rows pgx.Rows, err error) ([]promotion.GiftCard, error) {
	if err != nil {
		return nil, err
	}
	var out []promotion.GiftCard
	for rows.Next() {
		g, err := scanGiftCard(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// CreateGiftCard implements promotion.Store.
func (s *PromotionStore) CreateGiftCard(ctx context.Context, g promotion.GiftCard) error {
	body, err := encode(g)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO promotion_gift_cards (id, code_hash, balance, body) VALUES ($1, $2, $3, $4)`,
		g.ID.String(), g.CodeHash, g.Balance.Amount(), body)
	return classify(err, "create gift card "+g.ID.String())
}

// writeCard stores the changeable fields of g.
func writeCard(ctx context.Context, tx pgx.Tx, g promotion.GiftCard) error {
	body, err := encode(g)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE promotion_gift_cards SET balance = $2, body = $3 WHERE id = $1`, g.ID.String(), g.Balance.Amount(), body)
	return err
}

// UpdateGiftCard implements promotion.Store.
func (s *PromotionStore) UpdateGiftCard(ctx context.Context, id commerce.GiftCardID, fn func(promotion.GiftCard) (promotion.GiftCard, error)) (promotion.GiftCard, error) {
	var out promotion.GiftCard
	err := s.tx(ctx, "update gift card "+id.String(), func(tx pgx.Tx) error {
		cur, err := scanGiftCard(tx.QueryRow(ctx, `SELECT `+giftCardColumns+` FROM promotion_gift_cards WHERE id = $1 FOR UPDATE`, id.String()))
		if err != nil {
			return err
		}
		next, err := fn(cur.Clone())
		if err != nil {
			return err
		}
		next.ID, next.CodeHash, next.Currency, next.Initial = cur.ID, cur.CodeHash, cur.Currency, cur.Initial
		if err := writeCard(ctx, tx, next); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// GiftCard implements promotion.Store.
func (s *PromotionStore) GiftCard(ctx context.Context, id commerce.GiftCardID) (promotion.GiftCard, error) {
	g, err := scanGiftCard(s.pool.QueryRow(ctx, `SELECT `+giftCardColumns+` FROM promotion_gift_cards WHERE id = $1`, id.String()))
	return g, classify(err, "read gift card "+id.String())
}

// GiftCardByHash implements promotion.Store.
func (s *PromotionStore) GiftCardByHash(ctx context.Context, hash string) (promotion.GiftCard, error) {
	g, err := scanGiftCard(s.pool.QueryRow(ctx, `SELECT `+giftCardColumns+` FROM promotion_gift_cards WHERE code_hash = $1`, hash))
	return g, classify(err, "read a gift card by code")
}

// ListGiftCards implements promotion.Store.
func (s *PromotionStore) ListGiftCards(ctx context.Context, page commerce.PageRequest) (commerce.Page[promotion.GiftCard], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[promotion.GiftCard]{}, err
	}
	after, err := decodeListCursor(page)
	if err != nil {
		return commerce.Page[promotion.GiftCard]{}, err
	}
	items, err := collectGiftCards(s.pool.Query(ctx, `SELECT `+giftCardColumns+` FROM promotion_gift_cards
		WHERE ($1 = '' OR id < $1) ORDER BY id DESC LIMIT $2`, after, page.Limit+1))
	if err != nil {
		return commerce.Page[promotion.GiftCard]{}, classify(err, "list gift cards")
	}
	return pageFrom(items, page.Limit, func(g promotion.GiftCard) string { return g.ID.String() })
}

// lockCards locks cards ids in ID order; a missing one is NotFound.
func lockCards(ctx context.Context, tx pgx.Tx, ids []commerce.GiftCardID) ([]promotion.GiftCard, error) {
	keys := idStrings(ids)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	cards, err := collectGiftCards(tx.Query(ctx, `SELECT `+giftCardColumns+` FROM promotion_gift_cards WHERE id = ANY($1) ORDER BY id FOR UPDATE`, keys))
	if err != nil {
		return nil, err
	}
	if len(cards) != len(keys) {
		return nil, commerce.Errorf(commerce.CodeNotFound, "postgres: a gift card of the payment does not exist")
	}
	return cards, nil
}

// writeCards stores the cards fn returned, only those that were loaded.
func writeCards(ctx context.Context, tx pgx.Tx, loaded, cards []promotion.GiftCard) error {
	for _, g := range cards {
		i := slices.IndexFunc(loaded, func(l promotion.GiftCard) bool { return l.ID == g.ID })
		if i < 0 {
			continue
		}
		if g.Balance == loaded[i].Balance && g.Active == loaded[i].Active && g.UpdatedAt.Equal(loaded[i].UpdatedAt) {
			continue
		}
		next := loaded[i]
		next.Balance, next.Active, next.UpdatedAt = g.Balance, g.Active, g.UpdatedAt
		if err := writeCard(ctx, tx, next); err != nil {
			return err
		}
	}
	return nil
}

func decodePayment(body []byte) (promotion.GiftCardPayment, error) {
	var p promotion.GiftCardPayment
	if err := json.Unmarshal(body, &p); err != nil {
		return promotion.GiftCardPayment{}, commerce.Errorf(commerce.CodeInternal, "postgres: a stored gift-card payment does not decode: %w", err)
	}
	return p, nil
}

// CreateGiftCardPayment implements promotion.Store.
func (s *PromotionStore) CreateGiftCardPayment(ctx context.Context, p promotion.GiftCardPayment, fn func([]promotion.GiftCard) ([]promotion.GiftCard, error)) (*promotion.GiftCardPayment, error) {
	body, err := encode(p)
	if err != nil {
		return nil, err
	}
	var existing *promotion.GiftCardPayment
	err = s.tx(ctx, "hold gift cards for "+p.OrderID.String(), func(tx pgx.Tx) error {
		existing = nil
		tag, err := tx.Exec(ctx, `INSERT INTO promotion_gift_card_payments (order_id, status, expires_at, body) VALUES ($1, $2, $3, $4)
			ON CONFLICT (order_id) DO NOTHING`, p.OrderID.String(), string(p.Status), p.ExpiresAt, body)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var b []byte
			if err := tx.QueryRow(ctx, `SELECT body FROM promotion_gift_card_payments WHERE order_id = $1`, p.OrderID.String()).Scan(&b); err != nil {
				return err
			}
			e, err := decodePayment(b)
			if err != nil {
				return err
			}
			existing = &e
			return nil
		}
		cards, err := lockCards(ctx, tx, p.CardIDs())
		if err != nil {
			return err
		}
		next, err := fn(slices.Clone(cards))
		if err != nil {
			return err
		}
		return writeCards(ctx, tx, cards, next)
	})
	if err != nil {
		return nil, err
	}
	return existing, nil
}

// UpdateGiftCardPayment implements promotion.Store.
func (s *PromotionStore) UpdateGiftCardPayment(ctx context.Context, orderID commerce.OrderID, fn func(promotion.GiftCardPayment, []promotion.GiftCard) (promotion.GiftCardPayment, []promotion.GiftCard, error)) (promotion.GiftCardPayment, error) {
	var out promotion.GiftCardPayment
	err := s.tx(ctx, "update the gift-card payment of "+orderID.String(), func(tx pgx.Tx) error {
		var b []byte
		if err := tx.QueryRow(ctx, `SELECT body FROM promotion_gift_card_payments WHERE order_id = $1 FOR UPDATE`, orderID.String()).Scan(&b); err != nil {
			return err
		}
		cur, err := decodePayment(b)
		if err != nil {
			return err
		}
		cards, err := lockCards(ctx, tx, cur.CardIDs())
		if err != nil {
			return err
		}
		next, nextCards, err := fn(cur.Clone(), slices.Clone(cards))
		if err != nil {
			return err
		}
		if err := writeCards(ctx, tx, cards, nextCards); err != nil {
			return err
		}
		next = next.Clone()
		next.OrderID = orderID
		body, err := encode(next)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE promotion_gift_card_payments SET status = $2, expires_at = $3, body = $4 WHERE order_id = $1`,
			orderID.String(), string(next.Status), next.ExpiresAt, body); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// GiftCardPayment implements promotion.Store.
func (s *PromotionStore) GiftCardPayment(ctx context.Context, orderID commerce.OrderID) (promotion.GiftCardPayment, error) {
	var b []byte
	if err := s.pool.QueryRow(ctx, `SELECT body FROM promotion_gift_card_payments WHERE order_id = $1`, orderID.String()).Scan(&b); err != nil {
		return promotion.GiftCardPayment{}, classify(err, "read the gift-card payment of "+orderID.String())
	}
	return decodePayment(b)
}

// DueGiftCardPayments implements promotion.Store.
func (s *PromotionStore) DueGiftCardPayments(ctx context.Context, now time.Time, limit int) ([]commerce.OrderID, error) {
	return s.due(ctx, "find expired gift-card holds", `SELECT order_id FROM promotion_gift_card_payments
		WHERE status = 'held' AND expires_at <= $1 ORDER BY expires_at, order_id LIMIT $2`, now, limit)
}

// idStrings returns ids as strings.
func idStrings[T ~string](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}
