package cart

import (
	"context"
	"errors"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
)

// MarkConverted records that cart id became order orderID; checkout calls
// it once the order is paid. version is the cart's Version the order was
// priced from: the conversion happens only if the cart is still at it.
// The cart is then StatusConverted, accepts no more writes and is no
// longer the customer's cart.
//
// A cart written since version (a line added while its checkout was being
// paid) is not what the order bought: it stays active, with every line,
// and MarkConverted returns it with an error wrapping ErrChanged
// (FailedPrecondition, the cart's version in Details["version"]), so
// nothing the customer added is lost.
//
// It is idempotent: converting a cart again to the same order returns it
// unchanged, whatever version is given. A cart converted to another order
// is Conflict, a merged or empty one FailedPrecondition, a missing or
// expired one NotFound; a version below 1 is InvalidArgument.
func (s *Service) MarkConverted(ctx context.Context, id commerce.CartID, orderID commerce.OrderID, version int64) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	if orderID.IsZero() {
		return Cart{}, invalid("order_id", "order id is required")
	}
	if err := orderID.Validate(); err != nil {
		return Cart{}, invalid("order_id", "order id: %w", err)
	}
	if version < 1 {
		return Cart{}, invalid("version", "the cart version the order was priced from is required")
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
	if c.Version != version && c.Status == StatusActive {
		return c, errChanged(c, version)
	}
	var done Cart
	fn := func(c *Cart) ([]commerce.Envelope, error) {
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
		if c.Version != version {
			done = c.Clone()
			return nil, errChanged(*c, version)
		}
		if len(c.Lines) == 0 {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: cart %s is empty", c.ID).WithDetail("cart_id", c.ID.String())
		}
		c.Status, c.ConvertedOrderID = StatusConverted, orderID
		s.touch(c, now)
		return s.envelopes(c.ID, now, Converted{
			CartID: c.ID, CustomerID: c.CustomerID, OrderID: orderID, Lines: eventLines(c.Lines), ItemCount: c.ItemCount(),
		}), nil
	}
	c, err = s.write(ctx, id, &c, fn)
	switch {
	case errors.Is(err, errDone):
		return done, nil
	case errors.Is(err, ErrChanged):
		return done, err
	case err != nil:
		return Cart{}, err
	}
	return c, nil
}

// ErrChanged is wrapped by the error of MarkConverted when the cart was
// written after the version its order was priced from (test with
// errors.Is). The cart stays active.
var ErrChanged = errors.New("cart: changed since it was priced")

func errChanged(c Cart, priced int64) error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "cart %s is at version %d, not %d: %w", c.ID, c.Version, priced, ErrChanged).
		WithDetail("cart_id", c.ID.String()).WithDetail("version", strconv.FormatInt(c.Version, 10))
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
