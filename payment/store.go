package payment

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Store keeps payments, refunds and the IDs of applied webhook events.
// Implementations are safe for concurrent use. Every write commits the
// change and its events together (the events passed in or returned by the
// closure); a write that fails leaves nothing behind and publishes nothing.
// Closures run inside the store's transaction or lock: they must not do
// remote I/O, may be called more than once if the store retries, and their
// changes are discarded when they return an error. Reads return copies.
// A missing payment or refund is CodeNotFound.
type Store interface {
	// Create inserts p (with its events) unless a payment with the same
	// IdempotencyKey exists. It returns the stored payment and whether it
	// was created: a second Create with the same key, even concurrent,
	// returns the first payment, created=false, and publishes nothing.
	// Keys are unique across every payment of the store.
	Create(ctx context.Context, p Payment, events []commerce.Envelope) (Payment, bool, error)
	// Get returns the payment with id.
	Get(ctx context.Context, id commerce.PaymentID) (Payment, error)
	// GetByIdempotencyKey returns the payment created with key.
	GetByIdempotencyKey(ctx context.Context, key string) (Payment, error)
	// GetByProviderRef returns the payment of provider whose ProviderRef is ref.
	GetByProviderRef(ctx context.Context, provider, ref string) (Payment, error)
	// ListByOrder returns the payments of an order, oldest first; none is
	// an empty slice, not an error.
	ListByOrder(ctx context.Context, orderID commerce.OrderID) ([]Payment, error)
	// Update applies fn to the payment with id atomically (serialised with
	// every other write to that payment, refunds included) and commits the
	// modified payment with the events fn returns. It returns the payment as
	// stored. Only the fields that change over a payment's life are
	// written: Status, ProviderRef, Attempts, CapturedAmount,
	// RefundedAmount, FailureCode, FailureMessage and UpdatedAt. A
	// ProviderRef already held by another payment of the same provider is
	// CodeConflict. fn must not change ID or IdempotencyKey.
	Update(ctx context.Context, id commerce.PaymentID, fn func(*Payment) ([]commerce.Envelope, error)) (Payment, error)
	// CreateRefund inserts r unless a refund with the same IdempotencyKey
	// exists, which it returns with created=false. Before inserting it calls
	// check with the payment and its existing refunds, under the same lock
	// or transaction as the insert, so concurrent refunds of one payment are
	// serialised and check sees every earlier one: that is how the service
	// keeps their sum within the captured amount. An error from check
	// aborts the insert. r.PaymentID must name an existing payment.
	CreateRefund(ctx context.Context, r Refund, check func(p Payment, existing []Refund) ([]commerce.Envelope, error)) (Refund, bool, error)
	// UpdateRefund applies fn to the refund with id and its payment
	// atomically and commits both with the events fn returns.
	UpdateRefund(ctx context.Context, id commerce.RefundID, fn func(*Payment, *Refund) ([]commerce.Envelope, error)) (Refund, error)
	// GetRefund returns the refund with id.
	GetRefund(ctx context.Context, id commerce.RefundID) (Refund, error)
	// ListRefunds returns a payment's refunds, oldest first.
	ListRefunds(ctx context.Context, paymentID commerce.PaymentID) ([]Refund, error)
	// ApplyWebhook records the provider's eventID and applies fn to the
	// payment with id, atomically. If the event ID was recorded before,
	// nothing happens and applied is false. When fn returns an error,
	// neither the event ID nor the change is recorded.
	ApplyWebhook(ctx context.Context, provider, eventID string, id commerce.PaymentID, fn func(*Payment) ([]commerce.Envelope, error)) (applied bool, err error)
}

// UpdaterFrom is an optional Store capability: UpdateFrom is Update
// applied to seen, a copy of the payment the caller holds (seen.ID names
// it), without reading the payment again. The write stands only if every
// field an update writes (Status, ProviderRef, Attempts, CapturedAmount,
// RefundedAmount, FailureCode, FailureMessage, UpdatedAt) is stored as
// seen has it, so fn sees what Update would have shown it; otherwise
// UpdateFrom is CodeConflict and writes nothing. It never retries. In a
// unit of work the conflict may surface at a later write of the unit, or
// when the unit commits, and fails the whole unit. A remote store saves a
// locked read, and its round trip, per write with it.
type UpdaterFrom interface {
	UpdateFrom(ctx context.Context, seen Payment, fn func(*Payment) ([]commerce.Envelope, error)) (Payment, error)
}

// UnitMember is a Store that can write in a unit of work a context
// carries, as the stores of adapters/postgres on one pool write in the
// unit of that pool's OrderStore.Atomically. Service.InUnit asks it.
type UnitMember interface {
	// InUnit reports whether the Store's writes with ctx go into the
	// unit of work ctx carries, committing or rolling back with it.
	InUnit(ctx context.Context) bool
}
