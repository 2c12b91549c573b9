package cart

import (
	"context"
	"errors"

	"github.com/mercatohq/mercato/commerce"
)

// MarkConverted records that cart id became order orderID; checkout calls
// it once the order exists. The cart is then StatusConverted, accepts no
// more writes and is no longer the customer's cart.
//
// It is idempotent: converting a cart again to the same order returns it
// unchanged. A cart converted to another order is Conflict, a merged or
// empty one FailedPrecondition, a missing or expired one NotFound.
func (s *Service) MarkConverted(ctx context.Context, id commerce.CartID, orderID commerce.OrderID) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	if orderID.IsZero() {
		return Cart{}, invalid("order_id", "order id is required")
	}
	if err := orderID.Validate(); err != nil {
		return Cart{}, invalid("order_id", "order id: %w", err)
	}
	// A repeat must not need a write: the cart no longer accepts them.
	c, err := s.Get(ctx, id)
	if err != nil {
		return Cart{}, err
	}
	if already, err := converted(&c, orderID); already || err != nil {
		if err != nil {
			return Cart{}, err
		}
		return c, nil
	}
	var done Cart
	c, err = s.store.Update(ctx, id, s.opts.TTL, func(c *Cart) ([]commerce.Envelope, error) {
		now := s.now()
		if c.ExpiredAt(now) {
			return nil, notFound(c.ID)
		}
		if already, err := converted(c, orderID); already || err != nil {
			done = c.Clone()
			if err == nil {
				err = errDone
			}
			return nil, err
		}
		if err := writable(c, now); err != nil {
			return nil, err
		}
		if len(c.Lines) == 0 {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: cart %s is empty", c.ID).WithDetail("cart_id", c.ID.String())
		}
		c.Status, c.ConvertedOrderID = StatusConverted, orderID
		s.touch(c, now)
		return s.envelopes(c.ID, now, Converted{
			CartID: c.ID, CustomerID: c.CustomerID, OrderID: orderID, Lines: eventLines(c.Lines), ItemCount: c.ItemCount(),
		}), nil
	})
	switch {
	case errors.Is(err, errDone):
		return done, nil
	case err != nil:
		return Cart{}, err
	}
	return c, nil
}

// converted reports whether c is converted to orderID already, or to
// another order (Conflict).
func converted(c *Cart, orderID commerce.OrderID) (bool, error) {
	if c.Status != StatusConverted {
		return false, nil
	}
	if c.ConvertedOrderID != orderID {
		return false, commerce.Errorf(commerce.CodeConflict, "cart: cart %s became order %s already", c.ID, c.ConvertedOrderID).
			WithDetail("cart_id", c.ID.String()).WithDetail("order_id", c.ConvertedOrderID.String())
	}
	return true, nil
}
