package promotion

import (
	"context"
)

// Evaluate works out which promotions apply to b and what they take off,
// without writing anything. Automatic promotions that are live and whose
// conditions b meets apply; so do the promotions behind b.Codes, and each
// code that does not is listed in Result.Rejected with its reason
// (unknown, inactive, not_started, expired, exhausted, budget, currency,
// conditions, not_combinable, duplicate, no_discount). A rejected code is
// not an error.
//
// Stacking: promotions are taken by Priority (higher first, then codes
// before automatic ones, then by ID). If the first that applies is
// Exclusive it applies alone; otherwise every combinable one applies, each
// on what the previous ones left of each line, and exclusive ones are
// skipped (not_combinable).
//
// Money: each promotion's line discount is spread across the lines it
// targets with commerce.Money.Allocate in proportion to what is left of
// each line, so the shares sum to its discount exactly and no line is
// discounted below zero; Result.Discount is the sum of Result.LineDiscounts.
// Shipping discounts never exceed b.Shipping.
//
// Bad input is InvalidArgument naming its field: an unknown currency
// ("currency"), no lines or more than MaxBasketLines ("lines"), a line
// with an empty SKU, a quantity below 1, a price in another currency or
// negative, or a total other than price × quantity ("lines[i].total"),
// more than MaxBasketCodes codes ("codes"). Store failures are returned as
// they are.
func (s *Service) Evaluate(ctx context.Context, b Basket) (Result, error) {
	return Result{}, notImplemented("Evaluate")
}
