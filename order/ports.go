package order

import (
	"context"
	"time"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/payment"
)

// The ports below are what the Service needs from the carts, the stock and
// the payments, and nothing more. In one process *cart.Service,
// *inventory.Service and *payment.Service satisfy them; across processes a
// network client does, and a host may plug its own implementation (its
// own stock, for example). Whatever the implementation, the order suite
// (package ordertest) is the proof that it keeps these contracts.
//
// Common to every method: errors carry commerce codes the caller tests
// with errors.Is (commerce.ErrNotFound and the others), their details
// intact; a cancelled or expired ctx stops the call; a failure whose
// outcome is unknown (a timeout, a lost connection) is
// commerce.CodeUnavailable, and the Service retries it, so every write
// below must be idempotent as stated.

// Carts is the port the Service reads and converts carts through.
//
// Get returns the cart in whatever status it is; a missing or expired cart
// is NotFound.
//
// PriceItems prices the cart as given (the lines at today's prices, no
// promotion: Total is Subtotal); a line that can no longer be bought is
// reported with Purchasable false rather than as an error.
//
// MarkConverted records that the cart became order orderID if the cart is
// still at version. A cart written since is an error wrapping
// cart.ErrChanged (FailedPrecondition), the cart staying active; a network
// client must restore that sentinel on its side. It is idempotent:
// converting the cart again to the same order succeeds whatever the
// version. A cart converted to another order is Conflict; a missing or
// expired one NotFound.
type Carts interface {
	Get(ctx context.Context, id commerce.CartID) (cart.Cart, error)
	PriceItems(ctx context.Context, c cart.Cart) (cart.Totals, error)
	MarkConverted(ctx context.Context, id commerce.CartID, orderID commerce.OrderID, version int64) (cart.Cart, error)
}

// Stock is the port the Service holds and settles stock through, one
// reservation per order, named by the order's ReservationID.
//
// Reserve reserves every line or none, for ttl (0 means the
// implementation's default). A shortage is an error for which
// errors.Is(err, commerce.ErrOutOfStock) holds, nothing reserved. It is
// idempotent by id: a repeat with the same lines returns the reservation
// as it is, whatever its status (the Service reads a Deducted, Released or
// Expired one as the checkout having moved on); other lines are Conflict.
//
// Deduct takes a reserved reservation's units out of stock (the order is
// paid); Release gives a reserved one back (the order was not paid);
// Restock puts a deducted one back on hand (a cancelled or returned
// order). Each succeeds, changing nothing, when repeated; Deduct of a
// released or expired reservation, Release of a deducted one and Restock
// of one not deducted are FailedPrecondition. Get returns the reservation.
// An unknown id is NotFound for all four.
type Stock interface {
	Reserve(ctx context.Context, id commerce.ReservationID, lines []inventory.Line, ttl time.Duration) (inventory.Reservation, error)
	Deduct(ctx context.Context, id commerce.ReservationID) error
	Release(ctx context.Context, id commerce.ReservationID) error
	Restock(ctx context.Context, id commerce.ReservationID) error
	Get(ctx context.Context, id commerce.ReservationID) (inventory.Reservation, error)
}

// Payments is the port the Service charges, voids and refunds through.
//
// Authorize is idempotent by AuthorizeInput.IdempotencyKey: a repeat, even
// concurrent or from another process, returns the same payment without a
// second charge; the same key with other input is Conflict. A decline
// returns the failed payment with a PaymentDeclined error; an unknown
// provider outcome leaves the payment Processing and is Unavailable.
//
// Capture captures an authorized payment (amount, or all of it for the
// zero Money); a repeat with the same amount returns it unchanged. Cancel
// voids an authorized payment; a repeat returns it unchanged. Both are
// FailedPrecondition in any other state.
//
// Refund refunds part or all of a captured payment, one refund per
// RefundInput.IdempotencyKey (a repeat returns it; the key with another
// payment or amount is Conflict); more than is left is FailedPrecondition.
//
// Reconcile settles a payment whose authorization is in flight (after a
// crash) and returns it. GetByIdempotencyKey returns the payment Authorize
// created with key (NotFound when none was); GetByOrder the order's
// payments, oldest first; Refunds a payment's refunds, oldest first.
type Payments interface {
	Authorize(ctx context.Context, in payment.AuthorizeInput) (payment.Payment, error)
	Capture(ctx context.Context, id commerce.PaymentID, amount commerce.Money) (payment.Payment, error)
	Cancel(ctx context.Context, id commerce.PaymentID) (payment.Payment, error)
	Refund(ctx context.Context, in payment.RefundInput) (payment.Refund, error)
	Reconcile(ctx context.Context, id commerce.PaymentID) (payment.Payment, error)
	GetByIdempotencyKey(ctx context.Context, key string) (payment.Payment, error)
	GetByOrder(ctx context.Context, orderID commerce.OrderID) ([]payment.Payment, error)
	Refunds(ctx context.Context, id commerce.PaymentID) ([]payment.Refund, error)
}

// PaymentRecorder is Payments that can write a payment in a unit of work
// (payment.Service does): record it in one, send it to the provider once
// that unit has committed, and record the provider's answer in another.
// With a UnitOfWork, Checkout records the payment in the unit that places
// the order, and records a payment the provider captured at once in the
// unit that completes the order, when InUnit says the payment's writes
// join those units: two commits fewer per checkout. Otherwise it calls
// Authorize after the unit.
type PaymentRecorder interface {
	// InUnit reports whether Record and Conclude with ctx write in the
	// unit of work ctx carries, to commit or roll back with it.
	InUnit(ctx context.Context) bool
	// Record stores the payment of in, Processing, without calling the
	// provider; created is false when a payment with in's key exists.
	Record(ctx context.Context, in payment.AuthorizeInput) (p payment.Payment, created bool, err error)
	// Call authorizes a payment that Record returned at the provider and
	// returns the answer without recording it.
	Call(ctx context.Context, p payment.Payment, description string) (payment.Authorization, error)
	// Conclude records the answer Call returned, as Authorize does once
	// its provider call has returned. In a unit of work it records only
	// a captured authorization and calls no provider; anything else is
	// an error there, and nothing is written.
	Conclude(ctx context.Context, a payment.Authorization) (payment.Payment, error)
}

// The in-process services are the reference implementations of the ports.
var (
	_ Carts           = (*cart.Service)(nil)
	_ Stock           = (*inventory.Service)(nil)
	_ Payments        = (*payment.Service)(nil)
	_ PaymentRecorder = (*payment.Service)(nil)
)
