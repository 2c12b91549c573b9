package promotion

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

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
// twice, no uses, a malformed order ID or a negative TTL.
//
// HoldGiftCards is idempotent per OrderID: repeated, it returns the
// existing holds whatever their status; different uses for the same order
// are Conflict.
func (s *Service) HoldGiftCards(ctx context.Context, in HoldInput) ([]GiftCardHold, error) {
	return nil, notImplemented("HoldGiftCards")
}

// CaptureGiftCards makes the order's holds final. Capturing captured
// holds succeeds; released ones (by Release or expiry) are
// FailedPrecondition. NotFound if the order held no card.
func (s *Service) CaptureGiftCards(ctx context.Context, orderID commerce.OrderID) error {
	return notImplemented("CaptureGiftCards")
}

// ReleaseGiftCards credits the order's cards back: held amounts in full,
// and captured amounts less what refunds already credited (a cancelled
// order). Releasing released holds, or an order that held no card,
// succeeds and changes nothing.
func (s *Service) ReleaseGiftCards(ctx context.Context, orderID commerce.OrderID) error {
	return notImplemented("ReleaseGiftCards")
}

// RefundGiftCards credits up to amount back to the order's captured
// cards, the last card held first, and returns what it credited (less
// than amount when the cards have less left to refund; the caller refunds
// the rest by other means). refundID makes it idempotent: a repeated
// refundID returns what that refund credited and changes nothing. A
// non-positive amount or one in another currency is InvalidArgument
// ("amount"); holds not captured are FailedPrecondition; NotFound if the
// order held no card.
func (s *Service) RefundGiftCards(ctx context.Context, orderID commerce.OrderID, refundID commerce.RefundID, amount commerce.Money) (commerce.Money, error) {
	return commerce.Money{}, notImplemented("RefundGiftCards")
}

// GetGiftCardPayment returns the gift-card payment of orderID, or
// NotFound.
func (s *Service) GetGiftCardPayment(ctx context.Context, orderID commerce.OrderID) (GiftCardPayment, error) {
	return GiftCardPayment{}, notImplemented("GetGiftCardPayment")
}
