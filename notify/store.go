package notify

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// Store keeps the deliveries: the dedupe records that make sends exactly
// once per (event, channel, address), and the delivery log. Stores are
// safe for concurrent use, and different processes sharing one store
// (PostgreSQL) get the same guarantees as goroutines of one process.
// Stores do not retry and return classified errors.
type Store interface {
	// Claim asks to send the delivery with key, atomically:
	//
	//   - no delivery has key: d is inserted as given (Status pending,
	//     LeaseUntil set by the caller) and returned with proceed=true;
	//   - the delivery is failed_transient, or pending with LeaseUntil
	//     not after d.UpdatedAt (its sender crashed or gave up): it is
	//     taken over, becoming pending with d's LeaseUntil and UpdatedAt,
	//     and returned with proceed=true, keeping its ID, CreatedAt and
	//     Attempts;
	//   - otherwise (sent, failed_permanent, or pending under a live
	//     lease): it is returned unchanged with proceed=false.
	//
	// Of concurrent claims of one key, exactly one proceeds. d's key
	// fields must equal key.
	Claim(ctx context.Context, key DeliveryKey, d Delivery) (claimed Delivery, proceed bool, err error)
	// Record stores the outcome of the delivery with id: Status,
	// Attempts, LastError, ProviderRef and UpdatedAt (out.At). A delivery
	// already sent stays sent (Record is then a no-op), so a stale sender
	// cannot undo a later success. A missing id is CodeNotFound.
	Record(ctx context.Context, id commerce.NotificationID, out Outcome) error
	// ListByOrder returns the deliveries about an order, oldest first
	// (by CreatedAt, then ID), one page at a time. None is an empty page.
	ListByOrder(ctx context.Context, orderID commerce.OrderID, page commerce.PageRequest) (commerce.Page[Delivery], error)
	// ListByCustomer returns the deliveries to a customer like
	// ListByOrder.
	ListByCustomer(ctx context.Context, customerID commerce.CustomerID, page commerce.PageRequest) (commerce.Page[Delivery], error)
}

// LogCursor is the position the stores encode in a delivery log page's
// NextCursor: the CreatedAt and ID of the last delivery returned. It is
// exported so every Store pages the same way.
type LogCursor struct {
	CreatedAt int64                   `json:"c"` // Unix microseconds
	ID        commerce.NotificationID `json:"i"`
}
