package cart

import (
	"context"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// Pricer prices SKUs for carts. *catalog.Service implements it.
//
// PriceSKUs returns the SKUs' prices in currency: an unknown SKU is
// NotFound and a SKU without a price in currency FailedPrecondition, both
// listing the offending SKUs as a []string in the "skus" detail of the
// *commerce.Error (the Service uses the detail to price the other lines of
// a cart; without it, it prices them one by one). Other failures are
// passed on to the caller.
type Pricer interface {
	PriceSKUs(ctx context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error)
}

var _ Pricer = (*catalog.Service)(nil)
