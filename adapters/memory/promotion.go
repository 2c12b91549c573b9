package memory

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// PromotionStore is a promotion.Store in process memory. One mutex
// serialises every write, the strongest form of the port's locking: the
// closure runs under it and its result is applied before the lock is
// released, so limits checked in the closure hold under any concurrency.
// A write whose context has ended by the time the closure returns is
// abandoned (Unavailable) and changes nothing. The store publishes no
// events.
type PromotionStore struct {
	mu           sync.Mutex
	promotions   map[commerce.PromotionID]promotion.Promotion
	spent        map[commerce.PromotionID]int64
	codes        map[string]promotion.Code
	customerUses map[string]map[string]int // code -> customer key -> uses
	redemptions  map[commerce.OrderID]promotion.Redemption
	cards        map[commerce.GiftCardID]promotion.GiftCard
	cardByHash   map[string]commerce.GiftCardID
	payments     map[commerce.OrderID]promotion.GiftCardPayment
}

var _ promotion.Store = (*PromotionStore)(nil)

// NewPromotionStore returns an empty PromotionStore. opts is accepted for
// symmetry with the other stores; nothing of it is used yet.
func NewPromotionStore(opts *Options) *PromotionStore {
	_ = opts
	return &PromotionStore{
		promotions:   map[commerce.PromotionID]promotion.Promotion{},
		spent:        map[commerce.PromotionID]int64{},
		codes:        map[string]promotion.Code{},
		customerUses: map[string]map[string]int{},
		redemptions:  map[commerce.OrderID]promotion.Redemption{},
		cards:        map[commerce.GiftCardID]promotion.GiftCard{},
		cardByHash:   map[string]commerce.GiftCardID{},
		payments:     map[commerce.OrderID]promotion.GiftCardPayment{},
	}
}

func abandoned(ctx context.Context, doing string) error {
	if err := ctx.Err(); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "memory: %s: %w", doing, err)
	}
	return nil
}

// promotionLocked returns promotion id as read, with its Spent.
func (s *PromotionStore) promotionLocked(id commerce.PromotionID) (promotion.Promotion, bool) {
	p, ok := s.promotions[id]
	if !ok {
		return promotion.Promotion{}, false
	}
	p = p.Clone()
	p.Spent = nil
	if p.Budget != nil {
		sp, _ := commerce.NewMoney(s.spent[id], p.Budget.Currency())
		p.Spent = &sp
	}
	return p, true
}

// CreatePromotion implements promotion.Store.
func (s *PromotionStore) CreatePromotion(ctx context.Context, p promotion.Promotion) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := abandoned(ctx, "create promotion"); err != nil {
		return err
	}
	if _, ok := s.promotions[p.ID]; ok {
		return commerce.Errorf(commerce.CodeConflict, "memory: promotion %s exists", p.ID)
	}
	p = p.Clone()
	p.Spent = nil
	s.promotions[p.ID] = p
	s.spent[p.ID] = 0
	return nil
}

// UpdatePromotion implements promotion.Store.
func (s *PromotionStore) UpdatePromotion(ctx context.Context, id commerce.PromotionID, fn func(promotion.Promotion) (promotion.Promotion, error)) (promotion.Promotion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.promotionLocked(id)
	if !ok {
		return promotion.Promotion{}, commerce.Errorf(commerce.CodeNotFound, "memory: promotion %s not found", id)
	}
	next, err := fn(cur)
	if err != nil {
		return promotion.Promotion{}, err
	}
	if err := abandoned(ctx, "update promotion"); err != nil {
		return promotion.Promotion{}, err
	}
	next = next.Clone()
	next.ID, next.Spent = id, nil
	s.promotions[id] = next
	out, _ := s.promotionLocked(id)
	return out, nil
}

// Promotion implements promotion.Store.
func (s *PromotionStore) Promotion(_ context.Context, id commerce.PromotionID) (promotion.Promotion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.promotionLocked(id)
	if !ok {
		return promotion.Promotion{}, commerce.Errorf(commerce.CodeNotFound, "memory: promotion %s not found", id)
	}
	return p, nil
}

// Promotions implements promotion.Store.
func (s *PromotionStore) Promotions(_ context.Context, ids []commerce.PromotionID) ([]promotion.Promotion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []promotion.Promotion
	for _, id := range ids {
		if p, ok := s.promotionLocked(id); ok && !slices.ContainsFunc(out, func(q promotion.Promotion) bool { return q.ID == id }) {
			out = append(out, p)
		}
	}
	return out, nil
}

// AutomaticPromotions implements promotion.Store.
func (s *PromotionStore) AutomaticPromotions(_ context.Context, now time.Time) ([]promotion.Promotion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []promotion.Promotion
	for id, p := range s.promotions {
		if p.Trigger == promotion.TriggerAutomatic && p.Live(now) {
			q, _ := s.promotionLocked(id)
			out = append(out, q)
		}
	}
	return out, nil
}

// ListPromotions implements promotion.Store.
func (s *PromotionStore) ListPromotions(_ context.Context, filter promotion.PromotionFilter, page commerce.PageRequest) (commerce.Page[promotion.Promotion], error) {
	s.mu.Lock()
	var items []promotion.Promotion
	for id, p := range s.promotions {
		if (filter.Trigger == "" || p.Trigger == filter.Trigger) && (filter.Active == nil || p.Active == *filter.Active) {
			q, _ := s.promotionLocked(id)
			items = append(items, q)
		}
	}
	s.mu.Unlock()
	// Newest first: IDs sort by creation time.
	slices.SortFunc(items, func(a, b promotion.Promotion) int { return cmp.Compare(b.ID, a.ID) })
	return pageOf(items, page, func(p promotion.Promotion) string { return p.ID.String() }, true)
}

// CreateCode implements promotion.Store.
func (s *PromotionStore) CreateCode(ctx context.Context, c promotion.Code) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := abandoned(ctx, "create code"); err != nil {
		return err
	}
	if _, ok := s.codes[c.Code]; ok {
		return commerce.Errorf(commerce.CodeConflict, "memory: code %s exists", c.Code).WithDetail("field", "code")
	}
	if _, ok := s.promotions[c.PromotionID]; !ok {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "memory: promotion %s not found", c.PromotionID).WithDetail("field", "promotion_id")
	}
	c.Uses = 0
	s.codes[c.Code] = c
	return nil
}

// UpdateCode implements promotion.Store.
func (s *PromotionStore) UpdateCode(ctx context.Context, code string, fn func(promotion.Code) (promotion.Code, error)) (promotion.Code, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.codes[code]
	if !ok {
		return promotion.Code{}, commerce.Errorf(commerce.CodeNotFound, "memory: code %s not found", code)
	}
	next, err := fn(cur)
	if err != nil {
		return promotion.Code{}, err
	}
	if err := abandoned(ctx, "update code"); err != nil {
		return promotion.Code{}, err
	}
	next.Code, next.PromotionID, next.Uses = cur.Code, cur.PromotionID, cur.Uses
	s.codes[code] = next
	return next, nil
}

// Codes implements promotion.Store.
func (s *PromotionStore) Codes(_ context.Context, codes []string) ([]promotion.Code, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []promotion.Code
	seen := map[string]bool{}
	for _, c := range codes {
		if v, ok := s.codes[c]; ok && !seen[c] {
			seen[c] = true
			out = append(out, v)
		}
	}
	return out, nil
}

// ListCodes implements promotion.Store.
func (s *PromotionStore) ListCodes(_ context.Context, id commerce.PromotionID, page commerce.PageRequest) (commerce.Page[promotion.Code], error) {
	s.mu.Lock()
	var items []promotion.Code
	for _, c := range s.codes {
		if id == "" || c.PromotionID == id {
			items = append(items, c)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(items, func(a, b promotion.Code) int { return cmp.Compare(a.Code, b.Code) })
	return pageOf(items, page, func(c promotion.Code) string { return c.Code }, false)
}

// CustomerUses implements promotion.Store.
func (s *PromotionStore) CustomerUses(_ context.Context, customerKey string, codes []string) (map[string]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, c := range codes {
		if n := s.customerUses[c][customerKey]; n > 0 {
			out[c] = n
		}
	}
	return out, nil
}

// CreateRedemption implements promotion.Store.
func (s *PromotionStore) CreateRedemption(ctx context.Context, r promotion.Redemption, check func(promotion.Usage) error) (*promotion.Redemption, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if existing, ok := s.redemptions[r.OrderID]; ok {
		c := existing.Clone()
		return &c, nil
	}
	u := promotion.Usage{Promotions: map[commerce.PromotionID]promotion.Promotion{}, Codes: map[string]promotion.Code{}, CustomerUses: map[string]int{}}
	for _, l := range r.Lines {
		if p, ok := s.promotionLocked(l.PromotionID); ok {
			u.Promotions[p.ID] = p
		}
		if c, ok := s.codes[l.Code]; ok && l.Code != "" {
			u.Codes[c.Code] = c
			if r.CustomerKey != "" {
				if n := s.customerUses[c.Code][r.CustomerKey]; n > 0 {
					u.CustomerUses[c.Code] = n
				}
			}
		}
	}
	if err := check(u); err != nil {
		return nil, err
	}
	if err := abandoned(ctx, "reserve redemption"); err != nil {
		return nil, err
	}
	r = r.Clone()
	s.redemptions[r.OrderID] = r
	if r.Status.Counts() {
		s.countLocked(r, 1)
	}
	return nil, nil
}

// countLocked adds (sign 1) or removes (sign -1) r from the counters.
func (s *PromotionStore) countLocked(r promotion.Redemption, sign int) {
	for _, l := range r.Lines {
		if _, ok := s.promotions[l.PromotionID]; ok {
			s.spent[l.PromotionID] += int64(sign) * l.Amount.Amount()
		}
		if l.Code == "" {
			continue
		}
		if c, ok := s.codes[l.Code]; ok {
			c.Uses += sign
			s.codes[l.Code] = c
		}
		if r.CustomerKey != "" {
			m := s.customerUses[l.Code]
			if m == nil {
				m = map[string]int{}
				s.customerUses[l.Code] = m
			}
			m[r.CustomerKey] += sign
			if m[r.CustomerKey] == 0 {
				delete(m, r.CustomerKey)
			}
		}
	}
}

// UpdateRedemption implements promotion.Store.
func (s *PromotionStore) UpdateRedemption(ctx context.Context, orderID commerce.OrderID, fn func(promotion.Redemption) (promotion.Redemption, error)) (promotion.Redemption, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.redemptions[orderID]
	if !ok {
		return promotion.Redemption{}, commerce.Errorf(commerce.CodeNotFound, "memory: no redemption for order %s", orderID)
	}
	next, err := fn(cur.Clone())
	if err != nil {
		return promotion.Redemption{}, err
	}
	if err := abandoned(ctx, "update redemption"); err != nil {
		return promotion.Redemption{}, err
	}
	stored := cur.Clone()
	stored.Status, stored.UpdatedAt, stored.ExpiresAt = next.Status, next.UpdatedAt, next.ExpiresAt
	switch {
	case cur.Status.Counts() && !stored.Status.Counts():
		s.countLocked(cur, -1)
	case !cur.Status.Counts() && stored.Status.Counts():
		s.countLocked(cur, 1)
	}
	s.redemptions[orderID] = stored
	return stored.Clone(), nil
}

// Redemption implements promotion.Store.
func (s *PromotionStore) Redemption(_ context.Context, orderID commerce.OrderID) (promotion.Redemption, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.redemptions[orderID]
	if !ok {
		return promotion.Redemption{}, commerce.Errorf(commerce.CodeNotFound, "memory: no redemption for order %s", orderID)
	}
	return r.Clone(), nil
}

// DueRedemptions implements promotion.Store.
func (s *PromotionStore) DueRedemptions(_ context.Context, now time.Time, limit int) ([]commerce.OrderID, error) {
	s.mu.Lock()
	var due []promotion.Redemption
	for _, r := range s.redemptions {
		if r.Status == promotion.RedemptionReserved && !r.ExpiresAt.After(now) {
			due = append(due, r)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(due, func(a, b promotion.Redemption) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.OrderID, b.OrderID))
	})
	out := make([]commerce.OrderID, 0, min(limit, len(due)))
	for _, r := range due[:min(limit, len(due))] {
		out = append(out, r.OrderID)
	}
	return out, nil
}

// CreateGiftCard implements promotion.Store.
func (s *PromotionStore) CreateGiftCard(ctx context.Context, g promotion.GiftCard) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := abandoned(ctx, "create gift card"); err != nil {
		return err
	}
	if _, ok := s.cards[g.ID]; ok {
		return commerce.Errorf(commerce.CodeConflict, "memory: gift card %s exists", g.ID)
	}
	if _, ok := s.cardByHash[g.CodeHash]; ok {
		return commerce.Errorf(commerce.CodeConflict, "memory: a gift card with that code exists")
	}
	s.cards[g.ID] = g.Clone()
	s.cardByHash[g.CodeHash] = g.ID
	return nil
}

// UpdateGiftCard implements promotion.Store.
func (s *PromotionStore) UpdateGiftCard(ctx context.Context, id commerce.GiftCardID, fn func(promotion.GiftCard) (promotion.GiftCard, error)) (promotion.GiftCard, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.cards[id]
	if !ok {
		return promotion.GiftCard{}, commerce.Errorf(commerce.CodeNotFound, "memory: gift card %s not found", id)
	}
	next, err := fn(cur.Clone())
	if err != nil {
		return promotion.GiftCard{}, err
	}
	if err := abandoned(ctx, "update gift card"); err != nil {
		return promotion.GiftCard{}, err
	}
	next = next.Clone()
	next.ID, next.CodeHash, next.Currency, next.Initial = cur.ID, cur.CodeHash, cur.Currency, cur.Initial
	s.cards[id] = next
	return next.Clone(), nil
}

// GiftCard implements promotion.Store.
func (s *PromotionStore) GiftCard(_ context.Context, id commerce.GiftCardID) (promotion.GiftCard, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.cards[id]
	if !ok {
		return promotion.GiftCard{}, commerce.Errorf(commerce.CodeNotFound, "memory: gift card %s not found", id)
	}
	return g.Clone(), nil
}

// GiftCardByHash implements promotion.Store.
func (s *PromotionStore) GiftCardByHash(_ context.Context, hash string) (promotion.GiftCard, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.cardByHash[hash]
	if !ok {
		return promotion.GiftCard{}, commerce.Errorf(commerce.CodeNotFound, "memory: no gift card with that code")
	}
	return s.cards[id].Clone(), nil
}

// ListGiftCards implements promotion.Store.
func (s *PromotionStore) ListGiftCards(_ context.Context, page commerce.PageRequest) (commerce.Page[promotion.GiftCard], error) {
	s.mu.Lock()
	items := make([]promotion.GiftCard, 0, len(s.cards))
	for _, g := range s.cards {
		items = append(items, g.Clone())
	}
	s.mu.Unlock()
	slices.SortFunc(items, func(a, b promotion.GiftCard) int { return cmp.Compare(b.ID, a.ID) })
	return pageOf(items, page, func(g promotion.GiftCard) string { return g.ID.String() }, true)
}

// cardsLocked returns copies of cards ids in ID order, or NotFound.
func (s *PromotionStore) cardsLocked(ids []commerce.GiftCardID) ([]promotion.GiftCard, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make([]promotion.GiftCard, len(ids))
	for i, id := range ids {
		g, ok := s.cards[id]
		if !ok {
			return nil, commerce.Errorf(commerce.CodeNotFound, "memory: gift card %s not found", id)
		}
		out[i] = g.Clone()
	}
	return out, nil
}

// storeCardsLocked stores the cards a payment write returned; only
// cards the write loaded are taken, and only their balance and times.
func (s *PromotionStore) storeCardsLocked(loaded, cards []promotion.GiftCard) {
	for _, g := range cards {
		if !slices.ContainsFunc(loaded, func(l promotion.GiftCard) bool { return l.ID == g.ID }) {
			continue
		}
		cur := s.cards[g.ID]
		cur.Balance, cur.Active, cur.UpdatedAt = g.Balance, g.Active, g.UpdatedAt
		s.cards[g.ID] = cur
	}
}

// CreateGiftCardPayment implements promotion.Store.
func (s *PromotionStore) CreateGiftCardPayment(ctx context.Context, p promotion.GiftCardPayment, fn func([]promotion.GiftCard) ([]promotion.GiftCard, error)) (*promotion.GiftCardPayment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if existing, ok := s.payments[p.OrderID]; ok {
		c := existing.Clone()
		return &c, nil
	}
	cards, err := s.cardsLocked(p.CardIDs())
	if err != nil {
		return nil, err
	}
	next, err := fn(slices.Clone(cards))
	if err != nil {
		return nil, err
	}
	if err := abandoned(ctx, "hold gift cards"); err != nil {
		return nil, err
	}
	s.storeCardsLocked(cards, next)
	s.payments[p.OrderID] = p.Clone()
	return nil, nil
}

// UpdateGiftCardPayment implements promotion.Store.
func (s *PromotionStore) UpdateGiftCardPayment(ctx context.Context, orderID commerce.OrderID, fn func(promotion.GiftCardPayment, []promotion.GiftCard) (promotion.GiftCardPayment, []promotion.GiftCard, error)) (promotion.GiftCardPayment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.payments[orderID]
	if !ok {
		return promotion.GiftCardPayment{}, commerce.Errorf(commerce.CodeNotFound, "memory: no gift-card payment for order %s", orderID)
	}
	cards, err := s.cardsLocked(cur.CardIDs())
	if err != nil {
		return promotion.GiftCardPayment{}, err
	}
	next, nextCards, err := fn(cur.Clone(), slices.Clone(cards))
	if err != nil {
		return promotion.GiftCardPayment{}, err
	}
	if err := abandoned(ctx, "update gift-card payment"); err != nil {
		return promotion.GiftCardPayment{}, err
	}
	s.storeCardsLocked(cards, nextCards)
	next = next.Clone()
	next.OrderID = orderID
	s.payments[orderID] = next
	return next.Clone(), nil
}

// GiftCardPayment implements promotion.Store.
func (s *PromotionStore) GiftCardPayment(_ context.Context, orderID commerce.OrderID) (promotion.GiftCardPayment, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[orderID]
	if !ok {
		return promotion.GiftCardPayment{}, commerce.Errorf(commerce.CodeNotFound, "memory: no gift-card payment for order %s", orderID)
	}
	return p.Clone(), nil
}

// DueGiftCardPayments implements promotion.Store.
func (s *PromotionStore) DueGiftCardPayments(_ context.Context, now time.Time, limit int) ([]commerce.OrderID, error) {
	s.mu.Lock()
	var due []promotion.GiftCardPayment
	for _, p := range s.payments {
		if p.Status == promotion.GiftCardHeld && !p.ExpiresAt.After(now) {
			due = append(due, p)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(due, func(a, b promotion.GiftCardPayment) int {
		return cmp.Or(a.ExpiresAt.Compare(b.ExpiresAt), cmp.Compare(a.OrderID, b.OrderID))
	})
	out := make([]commerce.OrderID, 0, min(limit, len(due)))
	for _, p := range due[:min(limit, len(due))] {
		out = append(out, p.OrderID)
	}
	return out, nil
}

// promotionCursor is where a page of a promotion list ended.
type promotionCursor struct {
	After string `json:"after"`
}

// pageOf returns the page of items (sorted by key, descending when desc)
// that page asks for.
func pageOf[T any](items []T, page commerce.PageRequest, key func(T) string, desc bool) (commerce.Page[T], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[T]{}, err
	}
	var cur promotionCursor
	if page.Cursor != "" {
		if err := commerce.DecodeCursor(page.Cursor, &cur); err != nil {
			return commerce.Page[T]{}, err
		}
	}
	out := commerce.Page[T]{Items: []T{}}
	for _, x := range items {
		k := key(x)
		if cur.After != "" && ((desc && k >= cur.After) || (!desc && k <= cur.After)) {
			continue
		}
		if len(out.Items) == page.Limit {
			if out.NextCursor, err = commerce.EncodeCursor(promotionCursor{After: key(out.Items[len(out.Items)-1])}); err != nil {
				return commerce.Page[T]{}, err
			}
			break
		}
		out.Items = append(out.Items, x)
	}
	return out, nil
}
