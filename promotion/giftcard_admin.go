package promotion

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// giftCardAlphabet is Crockford's base32: no I, L, O or U, so a code read
// aloud or off paper is not misread.
const giftCardAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// giftCardCodeLength is 26 characters of 5 bits: 130 random bits, beyond
// any guessing.
const giftCardCodeLength = 26

// newGiftCardCode returns a fresh code, grouped by four for reading.
func newGiftCardCode() string {
	var buf [giftCardCodeLength]byte
	_, _ = rand.Read(buf[:]) // crypto/rand never fails: Go crashes the program instead
	var b strings.Builder
	for i, v := range buf {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(giftCardAlphabet[v&31]) // 256 is a multiple of 32: uniform
	}
	return b.String()
}

// normalizeGiftCardCode returns code without spaces or dashes, upper
// case, or false when it cannot be a gift-card code.
func normalizeGiftCardCode(code string) (string, bool) {
	var buf [giftCardCodeLength]byte
	n := 0
	for i := 0; i < len(code); i++ {
		b := code[i]
		switch {
		case b == '-' || b == ' ':
			continue
		case b >= 'a' && b <= 'z':
			b -= 'a' - 'A'
		}
		if n == len(buf) || strings.IndexByte(giftCardAlphabet, b) < 0 {
			return "", false
		}
		buf[n] = b
		n++
	}
	if n != len(buf) {
		return "", false
	}
	return string(buf[:]), true
}

// HashGiftCardCode returns what a store keeps of a gift-card code: the
// hex SHA-256 of its normalized form. A slow hash is not needed: 130
// random bits cannot be brute-forced. Stores never need to call it.
func HashGiftCardCode(code string) string {
	c, _ := normalizeGiftCardCode(code)
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}

// IssueGiftCard creates an active card with in.Amount as its balance and
// returns it with its code: 26 characters of Crockford base32 (130 random
// bits from crypto/rand) in groups of four. The code is returned only
// here; the store keeps its SHA-256. A non-positive or too large amount,
// or an ExpiresAt not in the future, is InvalidArgument naming its field.
func (s *Service) IssueGiftCard(ctx context.Context, in GiftCardInput) (IssuedGiftCard, error) {
	switch {
	case !in.Amount.Currency().Valid():
		return IssuedGiftCard{}, invalid("amount", "the amount needs a currency")
	case !in.Amount.IsPositive() || in.Amount.Amount() > MaxGiftCardAmount:
		return IssuedGiftCard{}, invalid("amount", "the amount must be positive and at most %d minor units", int64(MaxGiftCardAmount))
	}
	now := s.now()
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		return IssuedGiftCard{}, invalid("expires_at", "expires_at must be in the future")
	}
	code := newGiftCardCode()
	norm, _ := normalizeGiftCardCode(code)
	g := GiftCard{
		ID: commerce.NewID[commerce.GiftCardID](), CodeHash: HashGiftCardCode(norm), Hint: norm[len(norm)-4:],
		Currency: in.Amount.Currency(), Initial: in.Amount, Balance: in.Amount, Active: true,
		ExpiresAt: utcPtr(in.ExpiresAt), CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateGiftCard(ctx, g.Clone()); err != nil {
		return IssuedGiftCard{}, err
	}
	return IssuedGiftCard{GiftCard: g, Code: code}, nil
}

// GetGiftCard returns card id, or NotFound.
func (s *Service) GetGiftCard(ctx context.Context, id commerce.GiftCardID) (GiftCard, error) {
	if err := id.Validate(); err != nil {
		return GiftCard{}, invalid("id", "malformed gift card ID")
	}
	return s.store.GiftCard(ctx, id)
}

// GiftCardBalance returns the card whose code is code (any case, spaces
// and dashes ignored), for a buyer checking a balance. An unknown code is
// NotFound; a malformed one InvalidArgument ("code").
func (s *Service) GiftCardBalance(ctx context.Context, code string) (GiftCard, error) {
	norm, ok := normalizeGiftCardCode(code)
	if !ok {
		return GiftCard{}, invalid("code", "a gift card code has %d letters and digits", giftCardCodeLength)
	}
	g, err := s.store.GiftCardByHash(ctx, HashGiftCardCode(norm))
	if commerce.Code(err) == commerce.CodeNotFound {
		return GiftCard{}, commerce.Errorf(commerce.CodeNotFound, "promotion: no such gift card").WithDetail("field", "code")
	}
	return g, err
}

// ListGiftCards returns a page of cards, newest first.
func (s *Service) ListGiftCards(ctx context.Context, page commerce.PageRequest) (commerce.Page[GiftCard], error) {
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[GiftCard]{}, err
	}
	return s.store.ListGiftCards(ctx, page)
}

// UpdateGiftCard applies patch to card id: switching it on or off, or
// moving its expiry (an ExpiresAt not in the future is InvalidArgument,
// "expires_at"). Holds already made stand. NotFound if it does not exist.
func (s *Service) UpdateGiftCard(ctx context.Context, id commerce.GiftCardID, patch GiftCardPatch) (GiftCard, error) {
	if err := id.Validate(); err != nil {
		return GiftCard{}, invalid("id", "malformed gift card ID")
	}
	now := s.now()
	if patch.ExpiresAt != nil && !patch.ExpiresAt.After(now) {
		return GiftCard{}, invalid("expires_at", "expires_at must be in the future")
	}
	return s.store.UpdateGiftCard(ctx, id, func(g GiftCard) (GiftCard, error) {
		changed := false
		if patch.Active != nil && *patch.Active != g.Active {
			g.Active, changed = *patch.Active, true
		}
		if patch.ExpiresAt != nil {
			g.ExpiresAt, changed = utcPtr(patch.ExpiresAt), true
		}
		if changed {
			g.UpdatedAt = now
		}
		return g, nil
	})
}

// DeactivateGiftCard switches card id off (UpdateGiftCard with Active
// false): it can no longer be held. Holds already made stand. Idempotent;
// NotFound if it does not exist.
func (s *Service) DeactivateGiftCard(ctx context.Context, id commerce.GiftCardID) (GiftCard, error) {
	off := false
	return s.UpdateGiftCard(ctx, id, GiftCardPatch{Active: &off})
}
