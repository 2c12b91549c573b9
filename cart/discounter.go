package cart

import (
	"context"

	"github.com/mercatohq/mercato/promotion"
)

// Discounter prices a cart's promotions: the automatic ones and those
// behind the codes the buyer entered. *promotion.Service implements it.
//
// Evaluate reads and never writes: it returns the promotions that apply
// to the basket, with their discounts allocated across its lines, and
// each code it refuses with a stable reason. A failure (a store down) is
// returned as it is.
type Discounter interface {
	Evaluate(ctx context.Context, b promotion.Basket) (promotion.Result, error)
}

var _ Discounter = (*promotion.Service)(nil)
