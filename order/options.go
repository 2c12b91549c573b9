package order

import (
	"log/slog"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of [Options].
const (
	DefaultReservationTTL = 30 * time.Minute
	DefaultRecoverAfter   = 5 * time.Minute
	DefaultRecoveryBatch  = 100
)

// Options configures a [Service]. A nil *Options, or a zero field, means
// the documented default.
type Options struct {
	// Clock stamps orders, history and events. Default commerce.SystemClock.
	Clock commerce.Clock
	// Logger receives what the service compensates or leaves for later.
	// Default slog.Default().
	Logger *slog.Logger
	// Capture says when payments are captured. Default CaptureAtCheckout.
	Capture CaptureMode
	// Shipping prices shipping. Default FlatShipping{} (free).
	Shipping ShippingCalculator
	// Tax computes tax. Default ZeroTax{}.
	Tax TaxCalculator
	// UnitOfWork, when set, writes a checkout's stock and order changes
	// together: the order's creation with the reservation (and the
	// payment's record, when the payments write in the unit: see
	// PaymentRecorder), the deduction with the confirmation (and the
	// payment's captured outcome), one commit each (see
	// Service.Checkout). Set it only when the Stock writes to the Store's
	// database in the unit — the stores of adapters/postgres on one pool,
	// the Stock an inventory.Service over its InventoryStore. With a Stock
	// in another process or database, the unit would hold a transaction
	// open across the Stock's calls. Nil: each write commits on its own.
	UnitOfWork UnitOfWork
	// ReservationTTL is how long checkout holds stock for an order before
	// it must be paid. It must exceed RecoverAfter, so recovery can
	// finish a paid order while its stock is still held. Default 30 min.
	ReservationTTL time.Duration
	// RecoverAfter is how long an unsettled order is left to the call
	// that is working on it before Recover takes it over. It must exceed
	// the longest checkout. Default 5 min.
	RecoverAfter time.Duration
	// RecoveryBatch bounds the orders one Recover pass reads. Default 100.
	RecoveryBatch int
	// Observer, when set, is told about every checkout step (metrics,
	// traces). Default: none.
	Observer Observer
	// ReturnTax says whether a return refunds the returned units' share
	// of the order's tax. Default ReturnTaxRefunded.
	ReturnTax ReturnTaxPolicy
	// ReturnShipping says whether a return refunds the returned units'
	// share of the order's shipping. Default ReturnShippingKept.
	ReturnShipping ReturnShippingPolicy
	// Promotions, when set, discounts orders at checkout: the automatic
	// promotions and those behind the cart's codes, with their uses
	// reserved, committed and released along the checkout (usually a
	// *promotion.Service). Default: none, orders have no discounts.
	Promotions Promotions
	// GiftCards, when set, lets checkouts pay with gift cards
	// (CheckoutInput.GiftCards; usually a *promotion.Service). Default:
	// none, a checkout naming gift cards is InvalidArgument.
	GiftCards GiftCards
	// IDs mints the IDs of new orders. Default commerce.NewID. A host
	// whose store is sharded sets it so that an order's ID says where the
	// order lives (see IDMinter).
	IDs IDMinter
}

// IDMinter mints the IDs of new orders. It is told the order's customer
// (zero for a guest) and cart, so a sharded store can mint an ID that
// carries the customer's shard. Implementations are safe for concurrent
// use and return well-formed, unique IDs.
type IDMinter interface {
	NewOrderID(customer commerce.CustomerID, cart commerce.CartID) commerce.OrderID
}

// randomIDs is the default IDMinter: commerce.NewID.
type randomIDs struct{}

func (randomIDs) NewOrderID(commerce.CustomerID, commerce.CartID) commerce.OrderID {
	return commerce.NewID[commerce.OrderID]()
}

// ReturnTaxPolicy is Options.ReturnTax.
type ReturnTaxPolicy string

// The tax policies of returns.
const (
	// ReturnTaxRefunded: a return refunds its units' share of the tax.
	ReturnTaxRefunded ReturnTaxPolicy = "refunded"
	// ReturnTaxKept: a return refunds no tax.
	ReturnTaxKept ReturnTaxPolicy = "kept"
)

// ReturnShippingPolicy is Options.ReturnShipping.
type ReturnShippingPolicy string

// The shipping policies of returns.
const (
	// ReturnShippingKept: a return refunds no shipping.
	ReturnShippingKept ReturnShippingPolicy = "kept"
	// ReturnShippingRefunded: a return refunds its units' share of the
	// shipping.
	ReturnShippingRefunded ReturnShippingPolicy = "refunded"
)

func (o *Options) resolved() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Clock == nil {
		r.Clock = commerce.SystemClock{}
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	switch r.Capture {
	case "":
		r.Capture = CaptureAtCheckout
	case CaptureAtCheckout, CaptureAtShipment:
	default:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "order: unknown capture mode %q", r.Capture)
	}
	if r.Shipping == nil {
		r.Shipping = FlatShipping{}
	}
	if r.Tax == nil {
		r.Tax = ZeroTax{}
	}
	if r.IDs == nil {
		r.IDs = randomIDs{}
	}
	if r.ReservationTTL == 0 {
		r.ReservationTTL = DefaultReservationTTL
	}
	if r.RecoverAfter == 0 {
		r.RecoverAfter = DefaultRecoverAfter
	}
	if r.RecoveryBatch == 0 {
		r.RecoveryBatch = DefaultRecoveryBatch
	}
	switch r.ReturnTax {
	case "":
		r.ReturnTax = ReturnTaxRefunded
	case ReturnTaxRefunded, ReturnTaxKept:
	default:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "order: unknown return tax policy %q", r.ReturnTax)
	}
	switch r.ReturnShipping {
	case "":
		r.ReturnShipping = ReturnShippingKept
	case ReturnShippingKept, ReturnShippingRefunded:
	default:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "order: unknown return shipping policy %q", r.ReturnShipping)
	}
	switch {
	case r.ReservationTTL < 0 || r.RecoverAfter < 0 || r.RecoveryBatch < 0:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "order: durations and batch sizes must not be negative")
	case r.ReservationTTL <= r.RecoverAfter:
		return r, commerce.Errorf(commerce.CodeInvalidArgument,
			"order: ReservationTTL (%s) must exceed RecoverAfter (%s), or recovery could find a paid order's stock released", r.ReservationTTL, r.RecoverAfter)
	}
	return r, nil
}
