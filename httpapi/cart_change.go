package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// changeOwnCart applies change to the cart named by the path's {id} if the
// caller may use it, by the rule of ownCart. The cart service runs the
// check on the cart the change reads anyway, so a change costs one read
// of the cart instead of two. A cart the caller may not use answers the
// same NotFound as one that does not exist.
func (a *API) changeOwnCart(r *http.Request, change func(ctx context.Context, id commerce.CartID, check cart.Check) (cart.Cart, error)) (cart.Cart, error) {
	id, err := pathID[commerce.CartID](r, "id")
	if err != nil {
		return cart.Cart{}, err
	}
	c, err := change(r.Context(), id, func(c cart.Cart) error {
		if !a.mayUseCart(r, id, c.CustomerID) {
			return cartNotFound(id)
		}
		return nil
	})
	if isCartNotFound(err) {
		return cart.Cart{}, cartNotFound(id)
	}
	return c, err
}

// isCartNotFound reports whether err says the cart itself was not found
// (or has expired), as opposed to a line or a code in it, which name the
// field they are about.
func isCartNotFound(err error) bool {
	var ce *commerce.Error
	if !errors.As(err, &ce) || ce.Code != commerce.CodeNotFound {
		return false
	}
	_, aboutField := ce.Details["field"]
	return !aboutField
}
