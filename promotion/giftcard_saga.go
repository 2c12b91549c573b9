package promotion

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// MaxGiftCardsPerOrder bounds how many cards one checkout pays with.
const MaxGiftCardsPerOrder = 10

// HoldGiftCards debits in.Uses from their cards for in.OrderID, all or
// nothing, until Capture, Release or expiry (in.TTL, 0 =
// Options.DefaultTTL). A balance never goes below zero, whatever runs
// concurrently: an amount above a card's balance is FailedPrecondition
// with details "field" ("gift_cards[i].amount") and "reason"
// ("insufficient_balance"), and nothing is held.
//
// Bad input is InvalidArgument naming its field: an unknown code
// ("gift_cards[i].code", also for an inactive or expired card, which
// cannot be told from an unknown one), an amount that is not positive or
// not in the card's currency ("gift_cards[i].amount"), a card named
// twice, no uses or more than MaxGiftCardsPerOrder ("gift_cards"), a
// malformed order ID or a negative TTL.
//
// HoldGiftCards is idempotent per OrderID: repeated, it returns the
// existing holds whatever their status; different uses for the same order
// are Conflict.
func (s *Service) HoldGiftCards(ctx context.Context, in HoldInput) ([]GiftCardHold, error) {
	if err := in.OrderID.Validate(); err != nil {
		return nil, invalid("order_id", "malformed order ID")
	}
	ttl, err := s.ttl(in.TTL)
	if err != nil {
		return nil, err
	}
	if len(in.Uses) == 0 || len(in.Uses) > MaxGiftCardsPerOrder {
		return nil, invalid("gift_cards", "an order pays with 1 to %d gift cards", MaxGiftCardsPerOrder)
	}
	now := s.now()
	holds := make([]GiftCardHold, len(in.Uses))
	index := map[commerce.GiftCardID]int{}
	for i, u := range in.Uses {
		field := fmt.Sprintf("gift_cards[%d]", i)
		norm, ok := normalizeGiftCardCode(u.Code)
		if !ok {
			return nil, invalid(field+".code", "a gift card code has %d letters and digits", giftCardCodeLength)
		}
		if !u.Amount.Currency().Valid() || !u.Amount.IsPositive() {
			return nil, invalid(field+".amount", "the amount must be positive")
		}
		g, err := s.store.GiftCardByHash(ctx, HashGiftCardCode(norm))
		switch {
		case commerce.Code(err) == commerce.CodeNotFound:
			return nil, invalid(field+".code", "no such gift card")
		case err != nil:
			return nil, err
		case g.Currency != u.Amount.Currency():
			return nil, invalid(field+".amount", "the card is in %s", g.Currency)
		}
		if _, dup := index[g.ID]; dup {
			return nil, invalid(field+".code", "a card may pay once per order")
		}
		index[g.ID] = i
		holds[i] = GiftCardHold{GiftCardID: g.ID, Hint: g.Hint, Amount: u.Amount, Refunded: commerce.Zero(g.Currency)}
	}
	// Whether each card is usable is checked under the store's lock: a
	// repeated hold of an order returns its holds even if a card has
	// been switched off or expired since.
	p := GiftCardPayment{OrderID: in.OrderID, Status: GiftCardHeld, Holds: holds,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(ttl)}
	existing, err := s.store.CreateGiftCardPayment(ctx, p.Clone(), func(cards []GiftCard) ([]GiftCard, error) {
		for j, g := range cards {
			i := index[g.ID]
			field := fmt.Sprintf("gift_cards[%d]", i)
			if !usable(g, now) {
				return nil, invalid(field+".code", "no such gift card")
			}
			next, err := g.Balance.Sub(holds[i].Amount)
			if err != nil || next.IsNegative() {
				return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: gift card …%s has %s left", g.Hint, g.Balance).
					WithDetail("field", field+".amount").WithDetail("reason", "insufficient_balance")
			}
			cards[j].Balance, cards[j].UpdatedAt = next, now
		}
		return cards, nil
	})
	if err != nil {
		return nil, err
	}
	if existing != nil {
		if !sameHolds(existing.Holds, holds) {
			return nil, commerce.Errorf(commerce.CodeConflict, "promotion: order %s already holds other gift cards", in.OrderID).
				WithDetail("order_id", in.OrderID.String())
		}
		return existing.Holds, nil
	}
	return holds, nil
}

func usable(g GiftCard, now time.Time) bool {
	return g.Active && (g.ExpiresAt == nil || now.Before(*g.ExpiresAt))
}

func sameHolds(a, b []GiftCardHold) bool {
	key := func(h GiftCardHold) string { return h.GiftCardID.String() + "/" + h.Amount.String() }
	keys := func(hs []GiftCardHold) []string {
		out := make([]string, len(hs))
		for i, h := range hs {
			out[i] = key(h)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(keys(a), keys(b))
}

// CaptureGiftCards makes the order's holds final. Capturing captured
// holds succeeds; released ones, or holds past their ExpiresAt (swept or
// not), are FailedPrecondition. NotFound if the order held no card.
func (s *Service) CaptureGiftCards(ctx context.Context, orderID commerce.OrderID) error {
	if err := orderID.Validate(); err != nil {
		return invalid("order_id", "malformed order ID")
	}
	now := s.now()
	_, err := s.store.UpdateGiftCardPayment(ctx, orderID, func(p GiftCardPayment, cards []GiftCard) (GiftCardPayment, []GiftCard, error) {
		switch {
		case p.Status == GiftCardCaptured:
			return p, cards, nil
		case p.Status == GiftCardReleased:
			return p, nil, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: the gift cards of %s were released", orderID).
				WithDetail("order_id", orderID.String())
		case !now.Before(p.ExpiresAt):
			return p, nil, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: the gift-card hold of %s expired", orderID).
				WithDetail("order_id", orderID.String())
		}
		p.Status, p.UpdatedAt = GiftCardCaptured, now
		return p, cards, nil
	})
	return err
}

// ReleaseGiftCards credits the order's cards back: held amounts in full,
// and captured amounts less what refunds already credited (a cancelled
// order). Releasing released holds, or an order that held no card,
// succeeds and changes nothing.
func (s *Service) ReleaseGiftCards(ctx context.Context, orderID commerce.OrderID) error {
	if err := orderID.Validate(); err != nil {
		return invalid("order_id", "malformed order ID")
	}
	_, err := s.store.UpdateGiftCardPayment(ctx, orderID, s.releaseHolds(s.now(), false, nil))
	if commerce.Code(err) == commerce.CodeNotFound {
		return nil
	}
	return err
}

// releaseHolds returns the write that credits a payment's cards back.
// With onlyExpired it releases only a held payment past its expiry; did
// reports whether it released.
func (s *Service) releaseHolds(now time.Time, onlyExpired bool, did *bool) func(GiftCardPayment, []GiftCard) (GiftCardPayment, []GiftCard, error) {
	return func(p GiftCardPayment, cards []GiftCard) (GiftCardPayment, []GiftCard, error) {
		if did != nil {
			*did = false
		}
		if p.Status == GiftCardReleased || (onlyExpired && (p.Status != GiftCardHeld || now.Before(p.ExpiresAt))) {
			return p, cards, nil
		}
		for _, h := range p.Holds {
			back, err := h.Amount.Sub(h.Refunded)
			if err != nil {
				return p, nil, commerce.Errorf(commerce.CodeInternal, "promotion: release %s: %v", p.OrderID, err)
			}
			if err := credit(cards, h.GiftCardID, back, now); err != nil {
				return p, nil, err
			}
		}
		p.Status, p.UpdatedAt = GiftCardReleased, now
		if did != nil {
			*did = true
		}
		return p, cards, nil
	}
}

// credit adds amount to card id's balance in cards.
func credit(cards []GiftCard, id commerce.GiftCardID, amount commerce.Money, now time.Time) error {
	for i := range cards {
		if cards[i].ID == id {
			b, err := cards[i].Balance.Add(amount)
			if err != nil {
				return commerce.Errorf(commerce.CodeInternal, "promotion: credit gift card %s: %v", id, err)
			}
			cards[i].Balance, cards[i].UpdatedAt = b, now
			return nil
		}
	}
	return commerce.Errorf(commerce.CodeInternal, "promotion: gift card %s of a hold was not loaded", id)
}

// RefundGiftCards credits up to amount back to the order's captured
// cards, the last card held first, and returns what it credited (less
// than amount when the cards have less left to refund; the caller refunds
// the rest by other means). refundID makes it idempotent: a repeated
// refundID returns what that refund credited and changes nothing. A
// non-positive amount or one in another currency is InvalidArgument
// ("amount"), a malformed refundID InvalidArgument ("refund_id"); holds
// not captured are FailedPrecondition; NotFound if the order held no card.
func (s *Service) RefundGiftCards(ctx context.Context, orderID commerce.OrderID, refundID commerce.RefundID, amount commerce.Money) (commerce.Money, error) {
	if err := orderID.Validate(); err != nil {
		return commerce.Money{}, invalid("order_id", "malformed order ID")
	}
	if err := refundID.Validate(); err != nil {
		return commerce.Money{}, invalid("refund_id", "malformed refund ID")
	}
	if !amount.Currency().Valid() || !amount.IsPositive() {
		return commerce.Money{}, invalid("amount", "the amount must be positive")
	}
	now := s.now()
	var credited commerce.Money
	_, err := s.store.UpdateGiftCardPayment(ctx, orderID, func(p GiftCardPayment, cards []GiftCard) (GiftCardPayment, []GiftCard, error) {
		for _, r := range p.Refunds {
			if r.ID == refundID {
				credited = r.Amount
				return p, cards, nil
			}
		}
		if p.Status != GiftCardCaptured {
			return p, nil, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: the gift cards of %s are %s, not captured", orderID, p.Status).
				WithDetail("order_id", orderID.String())
		}
		cur := p.Holds[0].Amount.Currency()
		if amount.Currency() != cur {
			return p, nil, invalid("amount", "the order paid its gift cards in %s", cur)
		}
		p = p.Clone()
		want := amount.Amount()
		var got int64
		for i := len(p.Holds) - 1; i >= 0 && got < want; i-- {
			h := &p.Holds[i]
			c := min(h.Amount.Amount()-h.Refunded.Amount(), want-got)
			if c <= 0 {
				continue
			}
			h.Refunded = money(h.Refunded.Amount()+c, cur)
			if err := credit(cards, h.GiftCardID, money(c, cur), now); err != nil {
				return p, nil, err
			}
			got += c
		}
		credited = money(got, cur)
		p.Refunds = append(p.Refunds, GiftCardRefund{ID: refundID, Requested: amount, Amount: credited, CreatedAt: now})
		p.UpdatedAt = now
		return p, cards, nil
	})
	if err != nil {
		return commerce.Money{}, err
	}
	return credited, nil
}

// GetGiftCardPayment returns the gift-card payment of orderID, or
// NotFound.
func (s *Service) GetGiftCardPayment(ctx context.Context, orderID commerce.OrderID) (GiftCardPayment, error) {
	if err := orderID.Validate(); err != nil {
		return GiftCardPayment{}, invalid("order_id", "malformed order ID")
	}
	return s.store.GiftCardPayment(ctx, orderID)
}

// releaseExpiredGiftCards releases held payments past their expiry.
func (s *Service) releaseExpiredGiftCards(ctx context.Context, now time.Time) (int, error) {
	due, err := s.store.DueGiftCardPayments(ctx, now, s.opts.SweepBatch)
	if err != nil {
		return 0, err
	}
	var errs []error
	released := 0
	for _, id := range due {
		var did bool
		_, err := s.store.UpdateGiftCardPayment(ctx, id, s.releaseHolds(now, true, &did))
		switch {
		case err != nil && commerce.Code(err) != commerce.CodeNotFound:
			errs = append(errs, err)
		case err == nil && did:
			released++
		}
	}
	return released, errors.Join(errs...)
}
