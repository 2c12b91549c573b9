package promotion

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// PromotionFilter narrows ListPromotions. Zero fields do not filter.
type PromotionFilter struct {
	Trigger Trigger `json:"trigger,omitempty"`
	// Active, when set, keeps only promotions whose Active equals it.
	Active *bool `json:"active,omitempty"`
}

// Usage is what a redemption's limits are checked against, read under
// the locks of CreateRedemption.
type Usage struct {
	// Promotions holds the redemption's promotions as stored (with their
	// Spent); a missing one is absent.
	Promotions map[commerce.PromotionID]Promotion
	// Codes holds the redemption's codes as stored (with their Uses); a
	// missing one is absent.
	Codes map[string]Code
	// CustomerUses holds, per code, how many counted redemptions of the
	// redemption's CustomerKey use it (absent is 0; empty when the
	// CustomerKey is).
	CustomerUses map[string]int
}

// Store keeps promotions, codes, redemptions, gift cards and gift-card
// payments. The service carries every rule; a store locks, reads and
// persists, and keeps the usage counters below in step with what it
// persists:
//
//   - a Code's Uses is the number of counted redemptions (status reserved
//     or committed) with a line naming the code;
//   - a promotion's spent amount is the sum of the Amounts (in minor
//     units) of the counted redemptions' lines naming it; a promotion read
//     from the store carries it as Spent when it has a Budget (in the
//     Budget's currency), and a nil Spent otherwise;
//   - per code and CustomerKey, the number of counted redemptions of that
//     key using the code (see Usage.CustomerUses).
//
// Writes that read and modify are transactional closures: the store locks
// what the write touches, calls fn with copies, and persists what fn
// returns as one atomic unit, or nothing if fn fails, ctx ends or the
// store fails first. fn does no I/O and is called at most once per write.
// Locks are taken in one order: a redemption or gift-card payment row,
// then promotions by ID, then codes by code, then gift cards by ID; so
// concurrent writes never deadlock. Errors from fn are returned unchanged;
// the store's own carry a commerce code (Unavailable for a lost connection
// or a cancelled context). Stores never retry. All methods are safe for
// concurrent use; values passed in and returned are copies.
type Store interface {
	// CreatePromotion stores p with nothing spent (p.Spent is ignored).
	// An existing ID is Conflict.
	CreatePromotion(ctx context.Context, p Promotion) error
	// UpdatePromotion locks promotion id, calls fn with it and stores
	// what fn returns, except Spent, which the store keeps. A missing
	// promotion is NotFound and fn is not called. It returns the promotion
	// as stored.
	UpdatePromotion(ctx context.Context, id commerce.PromotionID, fn func(Promotion) (Promotion, error)) (Promotion, error)
	// Promotion returns promotion id, or NotFound.
	Promotion(ctx context.Context, id commerce.PromotionID) (Promotion, error)
	// Promotions returns the promotions of ids that exist, in any order.
	Promotions(ctx context.Context, ids []commerce.PromotionID) ([]Promotion, error)
	// AutomaticPromotions returns every promotion with TriggerAutomatic
	// that is Active and whose date window contains now, in any order.
	AutomaticPromotions(ctx context.Context, now time.Time) ([]Promotion, error)
	// ListPromotions returns a page of promotions matching filter, newest
	// (by ID) first. A malformed cursor is InvalidArgument.
	ListPromotions(ctx context.Context, filter PromotionFilter, page commerce.PageRequest) (commerce.Page[Promotion], error)

	// CreateCode stores c (Uses 0). An existing code is Conflict; a
	// missing promotion is FailedPrecondition.
	CreateCode(ctx context.Context, c Code) error
	// UpdateCode locks code, calls fn with it and stores what fn returns,
	// except Uses, Code and PromotionID, which do not change. A missing
	// code is NotFound and fn is not called.
	UpdateCode(ctx context.Context, code string, fn func(Code) (Code, error)) (Code, error)
	// Codes returns the codes of codes that exist, in any order.
	Codes(ctx context.Context, codes []string) ([]Code, error)
	// ListCodes returns a page of the codes of promotion id (all codes
	// when id is empty), ordered by code. A malformed cursor is
	// InvalidArgument.
	ListCodes(ctx context.Context, id commerce.PromotionID, page commerce.PageRequest) (commerce.Page[Code], error)
	// CustomerUses returns, per code of codes, how many counted
	// redemptions of customerKey use it; codes never used are absent.
	CustomerUses(ctx context.Context, customerKey string, codes []string) (map[string]int, error)

	// CreateRedemption creates r unless a redemption of r.OrderID exists:
	// then that one is returned as existing, check is not called and
	// nothing is written; concurrent calls for one order create it at
	// most once (the others wait and get the winner's). Otherwise the
	// store locks the promotions and codes r.Lines name (those that
	// exist), calls check with their usage, and, if check returns nil,
	// stores r and counts it (r.Status is reserved).
	CreateRedemption(ctx context.Context, r Redemption, check func(Usage) error) (existing *Redemption, err error)
	// UpdateRedemption locks the redemption of orderID, then its
	// promotions and codes, calls fn with it and stores the Status,
	// UpdatedAt and ExpiresAt of what fn returns, moving the counters
	// when the status goes from counted to not counted or back. A
	// missing redemption is NotFound and fn is not called.
	UpdateRedemption(ctx context.Context, orderID commerce.OrderID, fn func(Redemption) (Redemption, error)) (Redemption, error)
	// Redemption returns the redemption of orderID, or NotFound.
	Redemption(ctx context.Context, orderID commerce.OrderID) (Redemption, error)
	// DueRedemptions returns up to limit orders whose redemption is
	// reserved with ExpiresAt at or before now, oldest expiry first.
	DueRedemptions(ctx context.Context, now time.Time, limit int) ([]commerce.OrderID, error)

	// CreateGiftCard stores g. An existing ID or CodeHash is Conflict.
	CreateGiftCard(ctx context.Context, g GiftCard) error
	// UpdateGiftCard locks card id, calls fn and stores what it returns
	// (ID, CodeHash, Currency and Initial do not change). A missing card
	// is NotFound and fn is not called.
	UpdateGiftCard(ctx context.Context, id commerce.GiftCardID, fn func(GiftCard) (GiftCard, error)) (GiftCard, error)
	// GiftCard returns card id, or NotFound.
	GiftCard(ctx context.Context, id commerce.GiftCardID) (GiftCard, error)
	// GiftCardByHash returns the card whose CodeHash is hash, or NotFound.
	GiftCardByHash(ctx context.Context, hash string) (GiftCard, error)
	// ListGiftCards returns a page of cards, newest (by ID) first. A
	// malformed cursor is InvalidArgument.
	ListGiftCards(ctx context.Context, page commerce.PageRequest) (commerce.Page[GiftCard], error)

	// CreateGiftCardPayment creates p unless a payment of p.OrderID
	// exists: then that one is returned as existing, fn is not called and
	// nothing is written; concurrent calls for one order create it at
	// most once. Otherwise the store locks the cards of p.Holds (in ID
	// order; a missing card is NotFound and fn is not called), calls fn
	// with them in that order, and stores p with the cards fn returns.
	CreateGiftCardPayment(ctx context.Context, p GiftCardPayment, fn func(cards []GiftCard) ([]GiftCard, error)) (existing *GiftCardPayment, err error)
	// UpdateGiftCardPayment locks the payment of orderID, then its cards
	// in ID order, calls fn and stores the payment and the cards fn
	// returns. A missing payment is NotFound and fn is not called.
	UpdateGiftCardPayment(ctx context.Context, orderID commerce.OrderID, fn func(GiftCardPayment, []GiftCard) (GiftCardPayment, []GiftCard, error)) (GiftCardPayment, error)
	// GiftCardPayment returns the gift-card payment of orderID, or
	// NotFound.
	GiftCardPayment(ctx context.Context, orderID commerce.OrderID) (GiftCardPayment, error)
	// DueGiftCardPayments returns up to limit orders whose gift-card
	// payment is held with ExpiresAt at or before now, oldest expiry
	// first.
	DueGiftCardPayments(ctx context.Context, now time.Time, limit int) ([]commerce.OrderID, error)
}
