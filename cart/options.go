package cart

import (
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// Defaults and bounds of Options.
const (
	DefaultTTL                = 7 * 24 * time.Hour
	DefaultCurrency           = commerce.Currency("USD")
	DefaultMaxQuantityPerLine = 99
	DefaultMaxLines           = 100
	DefaultMaxCodes           = 5

	// MaxQuantityLimit bounds Options.MaxQuantityPerLine, and MaxLinesLimit
	// Options.MaxLines: a cart is a document read and written whole on
	// every change, so it must stay small. MaxCodesLimit bounds
	// Options.MaxCodes: the codes a promotion evaluation takes.
	MaxQuantityLimit = 100_000
	MaxLinesLimit    = 1000
	MaxCodesLimit    = promotion.MaxBasketCodes
	// MinTTL is the shortest Options.TTL: stores expire records with
	// millisecond precision.
	MinTTL = time.Millisecond
)

// Options configures a Service. A nil *Options, or a zero field, takes the
// documented default.
type Options struct {
	// Clock tells the time of writes and expiry. Default
	// commerce.SystemClock{}.
	Clock commerce.Clock
	// TTL is how long a cart lives after its last write. Default
	// DefaultTTL (7 days); at least MinTTL.
	TTL time.Duration
	// DefaultCurrency is the currency of carts created without one.
	// Default DefaultCurrency (USD), or the first of Currencies when
	// those are set without USD. It must be one of Currencies when those
	// are set.
	DefaultCurrency commerce.Currency
	// Currencies, when set, are the only currencies carts may be created
	// in. Default: any ISO 4217 currency.
	Currencies []commerce.Currency
	// MaxQuantityPerLine is the most units one line may hold. Default
	// DefaultMaxQuantityPerLine (99); at most MaxQuantityLimit.
	MaxQuantityPerLine int
	// MaxLines is the most lines one cart may hold. Default
	// DefaultMaxLines (100); at most MaxLinesLimit.
	MaxLines int
	// MaxCodes is the most promotion codes one cart may hold. Default
	// DefaultMaxCodes (5); at most MaxCodesLimit.
	MaxCodes int
	// Discounter, when set, prices the cart's promotions: Totals shows
	// the discounts it gives and the codes it refuses, and ApplyCode
	// refuses codes it does not know. Default: none (no discounts; codes
	// are kept as entered and checked at checkout).
	Discounter Discounter
}

// resolved returns o with every default applied, or an InvalidArgument
// error.
func (o *Options) resolved() (Options, error) {
	var r Options
	if o != nil {
		r = *o
		r.Currencies = slices.Clone(o.Currencies)
	}
	bad := func(field, format string, args ...any) (Options, error) {
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "cart: options: "+format, args...).WithDetail("field", field)
	}
	if r.Clock == nil {
		r.Clock = commerce.SystemClock{}
	}
	switch {
	case r.TTL == 0:
		r.TTL = DefaultTTL
	case r.TTL < MinTTL:
		return bad("ttl", "TTL %s is shorter than %s", r.TTL, MinTTL)
	}
	for _, c := range r.Currencies {
		if !c.Valid() {
			return bad("currencies", "unknown currency %q", c)
		}
	}
	if r.DefaultCurrency == "" {
		r.DefaultCurrency = DefaultCurrency
		if len(r.Currencies) > 0 && !slices.Contains(r.Currencies, r.DefaultCurrency) {
			r.DefaultCurrency = r.Currencies[0]
		}
	}
	if !r.DefaultCurrency.Valid() {
		return bad("default_currency", "unknown currency %q", r.DefaultCurrency)
	}
	if len(r.Currencies) > 0 && !slices.Contains(r.Currencies, r.DefaultCurrency) {
		return bad("default_currency", "default currency %s is not one of %v", r.DefaultCurrency, r.Currencies)
	}
	switch {
	case r.MaxQuantityPerLine == 0:
		r.MaxQuantityPerLine = DefaultMaxQuantityPerLine
	case r.MaxQuantityPerLine < 1 || r.MaxQuantityPerLine > MaxQuantityLimit:
		return bad("max_quantity_per_line", "max quantity per line %d must be between 1 and %d", r.MaxQuantityPerLine, MaxQuantityLimit)
	}
	switch {
	case r.MaxLines == 0:
		r.MaxLines = DefaultMaxLines
	case r.MaxLines < 1 || r.MaxLines > MaxLinesLimit:
		return bad("max_lines", "max lines %d must be between 1 and %d", r.MaxLines, MaxLinesLimit)
	}
	switch {
	case r.MaxCodes == 0:
		r.MaxCodes = DefaultMaxCodes
	case r.MaxCodes < 1 || r.MaxCodes > MaxCodesLimit:
		return bad("max_codes", "max codes %d must be between 1 and %d", r.MaxCodes, MaxCodesLimit)
	}
	return r, nil
}
