package promotion

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// CreatePromotion validates in and stores a new promotion (Version 1,
// Active unless in.Active is false). Bad input is InvalidArgument naming
// its field ("name", "actions[0].basis_points", "conditions.currency",
// ...): a rate over 10000 basis points, a negative or zero amount, an
// amount or budget in another currency than Conditions.Currency, an
// EndsAt not after StartsAt, and so on.
func (s *Service) CreatePromotion(ctx context.Context, in PromotionInput) (Promotion, error) {
	return Promotion{}, notImplemented("CreatePromotion")
}

// GetPromotion returns promotion id: NotFound if it does not exist,
// InvalidArgument ("id") if id is malformed.
func (s *Service) GetPromotion(ctx context.Context, id commerce.PromotionID) (Promotion, error) {
	return Promotion{}, notImplemented("GetPromotion")
}

// ListPromotions returns a page of promotions, newest first.
func (s *Service) ListPromotions(ctx context.Context, filter PromotionFilter, page commerce.PageRequest) (commerce.Page[Promotion], error) {
	return commerce.Page[Promotion]{}, notImplemented("ListPromotions")
}

// UpdatePromotion replaces the editable fields of promotion id with in,
// validated as in CreatePromotion (a nil in.Active keeps Active). When
// version is not 0 it must equal the stored Version, or the update is a
// Conflict. Redemptions already reserved keep what they reserved; a
// Budget lowered below Spent only stops new redemptions. NotFound if the
// promotion does not exist.
func (s *Service) UpdatePromotion(ctx context.Context, id commerce.PromotionID, version int64, in PromotionInput) (Promotion, error) {
	return Promotion{}, notImplemented("UpdatePromotion")
}

// DeactivatePromotion switches promotion id off: it no longer applies and
// its codes are rejected as inactive. Deactivating an inactive promotion
// succeeds and changes nothing. NotFound if it does not exist.
func (s *Service) DeactivatePromotion(ctx context.Context, id commerce.PromotionID) (Promotion, error) {
	return Promotion{}, notImplemented("DeactivatePromotion")
}

// CreateCode validates in and stores a new active code for a
// TriggerCode promotion. A malformed code, a negative limit or an
// automatic promotion is InvalidArgument naming its field; a code that
// exists is Conflict; a missing promotion is FailedPrecondition
// ("promotion_id").
func (s *Service) CreateCode(ctx context.Context, in CodeInput) (Code, error) {
	return Code{}, notImplemented("CreateCode")
}

// GetCode returns code (normalized first): NotFound if it does not exist.
func (s *Service) GetCode(ctx context.Context, code string) (Code, error) {
	return Code{}, notImplemented("GetCode")
}

// ListCodes returns a page of the codes of promotion id (every code when
// id is empty), ordered by code.
func (s *Service) ListCodes(ctx context.Context, id commerce.PromotionID, page commerce.PageRequest) (commerce.Page[Code], error) {
	return commerce.Page[Code]{}, notImplemented("ListCodes")
}

// UpdateCode applies patch to code. A limit lowered below Uses only stops
// new redemptions. Negative limits are InvalidArgument; NotFound if the
// code does not exist.
func (s *Service) UpdateCode(ctx context.Context, code string, patch CodePatch) (Code, error) {
	return Code{}, notImplemented("UpdateCode")
}

// DeactivateCode switches code off (UpdateCode with Active false).
func (s *Service) DeactivateCode(ctx context.Context, code string) (Code, error) {
	return Code{}, notImplemented("DeactivateCode")
}

// IssueGiftCard creates an active card with in.Amount as its balance and
// returns it with its code: 26 characters of Crockford base32 (130 random
// bits from crypto/rand) in groups of four. The code is returned only
// here; the store keeps its SHA-256. A non-positive or too large amount,
// or an ExpiresAt in the past, is InvalidArgument naming its field.
func (s *Service) IssueGiftCard(ctx context.Context, in GiftCardInput) (IssuedGiftCard, error) {
	return IssuedGiftCard{}, notImplemented("IssueGiftCard")
}

// GetGiftCard returns card id, or NotFound.
func (s *Service) GetGiftCard(ctx context.Context, id commerce.GiftCardID) (GiftCard, error) {
	return GiftCard{}, notImplemented("GetGiftCard")
}

// GiftCardBalance returns the card whose code is code (any case, spaces
// and dashes ignored), for a buyer checking a balance. An unknown code is
// NotFound; a malformed one InvalidArgument ("code").
func (s *Service) GiftCardBalance(ctx context.Context, code string) (GiftCard, error) {
	return GiftCard{}, notImplemented("GiftCardBalance")
}

// ListGiftCards returns a page of cards, newest first.
func (s *Service) ListGiftCards(ctx context.Context, page commerce.PageRequest) (commerce.Page[GiftCard], error) {
	return commerce.Page[GiftCard]{}, notImplemented("ListGiftCards")
}

// DeactivateGiftCard switches card id off: it can no longer be held.
// Holds already made stand. Idempotent; NotFound if it does not exist.
func (s *Service) DeactivateGiftCard(ctx context.Context, id commerce.GiftCardID) (GiftCard, error) {
	return GiftCard{}, notImplemented("DeactivateGiftCard")
}
