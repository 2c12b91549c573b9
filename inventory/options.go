package inventory

import (
	"log/slog"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of Options.
const (
	DefaultTTL               = 15 * time.Minute
	DefaultLowStockThreshold = 5
)

// Options configures a Service. A nil *Options, or a zero field, takes the
// documented default.
type Options struct {
	// Clock tells the time of reservations, expiries and movements.
	// Default commerce.SystemClock{}.
	Clock commerce.Clock
	// Strategy picks the locations of a reservation. Default
	// DefaultLocationStrategy{}.
	Strategy Strategy
	// DefaultLocation is the location of SetStock/Adjust calls that name
	// none and the one DefaultLocationStrategy serves. Default
	// DefaultLocation ("default").
	DefaultLocation string
	// DefaultTTL is the lifetime of a reservation made with ttl 0.
	// Default DefaultTTL (15 minutes). Must not be negative.
	DefaultTTL time.Duration
	// LowStockThreshold is the threshold of SKUs that have none of their
	// own (see Service.SetLowStockThreshold). Zero means
	// DefaultLowStockThreshold (5); a negative value turns low-stock
	// events off for those SKUs.
	LowStockThreshold int
	// Untracked lets a reservation take any quantity of a SKU that has
	// no stock level at any location: a host that keeps the stock of some
	// or all of its SKUs elsewhere (or not at all) checks them out without
	// recording stock here. Such a line is listed in
	// Reservation.Untracked, has no allocation, and its reservation's
	// deduct, release, restock and expiry never touch a level for it; the
	// same reservation events are published. A SKU that has a level, even
	// one with 0 on hand, is tracked as usual: SetStock(ctx, sku, "", 0,
	// reason) on a SKU without stock creates that empty level, which is
	// how a host stops selling an untracked SKU, and publishes
	// inventory.out_of_stock. Service.Availability reports an untracked
	// SKU as Untracked, in stock, to its readers (search's in-stock
	// filter, product pages, recommendations); Available, a count of
	// units kept here, reports 0. Default false: a SKU without stock is
	// out of stock.
	Untracked bool
	// Logger receives the sweeper's failures. Default slog.Default().
	Logger *slog.Logger
}

// resolved returns o with every default applied, or an InvalidArgument
// error.
func (o *Options) resolved() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Clock == nil {
		r.Clock = commerce.SystemClock{}
	}
	if r.Strategy == nil {
		r.Strategy = DefaultLocationStrategy{}
	}
	if r.DefaultLocation == "" {
		r.DefaultLocation = DefaultLocation
	}
	if err := validateName("default location", r.DefaultLocation); err != nil {
		return r, err
	}
	switch {
	case r.DefaultTTL < 0:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: default TTL %s must not be negative", r.DefaultTTL)
	case r.DefaultTTL == 0:
		r.DefaultTTL = DefaultTTL
	}
	if r.LowStockThreshold == 0 {
		r.LowStockThreshold = DefaultLowStockThreshold
	}
	if r.LowStockThreshold > MaxQuantity {
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: low-stock threshold %d exceeds %d", r.LowStockThreshold, MaxQuantity)
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}
