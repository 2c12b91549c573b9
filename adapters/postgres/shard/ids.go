package shard

import (
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// IDs mints IDs that carry the bucket of their owner, so that every
// record of a customer, and every directory row that finds it, sits on the
// customer's shard: a customer's requests then touch that shard alone, and
// a shard that is down fails only its own customers. Set it as the IDs
// option of the customer, order and payment services. It holds no state.
//
//   - a customer is in the bucket of its e-mail (KeyBucket), where the
//     e-mail's directory row is, so Register and GetByEmail stay on it;
//   - a session is in its customer's bucket;
//   - an order is in its customer's bucket, a guest order without a
//     customer in its cart's;
//   - a payment is in its order's bucket, a refund in its payment's.
//
// An owner whose ID is malformed gets a random ID: the store then refuses
// the record with InvalidArgument, as it refuses the owner.
type IDs struct{}

var (
	_ customer.IDMinter = IDs{}
	_ order.IDMinter    = IDs{}
	_ payment.IDMinter  = IDs{}
)

// NewCustomerID implements customer.IDMinter.
func (IDs) NewCustomerID(email string) commerce.CustomerID {
	return mint[commerce.CustomerID](KeyBucket(email), nil)
}

// NewSessionID implements customer.IDMinter.
func (IDs) NewSessionID(c commerce.CustomerID) commerce.SessionID {
	b, err := BucketOf(c, "customer_id")
	return mint[commerce.SessionID](b, err)
}

// NewOrderID implements order.IDMinter.
func (IDs) NewOrderID(c commerce.CustomerID, cart commerce.CartID) commerce.OrderID {
	var b int
	var err error
	if c.IsZero() {
		b, err = BucketOf(cart, "cart_id")
	} else {
		b, err = BucketOf(c, "customer_id")
	}
	return mint[commerce.OrderID](b, err)
}

// NewPaymentID implements payment.IDMinter.
func (IDs) NewPaymentID(o commerce.OrderID) commerce.PaymentID {
	b, err := BucketOf(o, "order_id")
	return mint[commerce.PaymentID](b, err)
}

// NewRefundID implements payment.IDMinter.
func (IDs) NewRefundID(p commerce.PaymentID) commerce.RefundID {
	b, err := BucketOf(p, "payment_id")
	return mint[commerce.RefundID](b, err)
}

// mint returns an ID carrying bucket b, or a random one when the owner's
// bucket could not be read.
func mint[T commerce.IDType](b int, err error) T {
	if err == nil {
		if id, err := NewID[T](b); err == nil {
			return id
		}
	}
	return commerce.NewID[T]()
}
