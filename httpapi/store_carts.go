package httpapi

import (
	"errors"
	"net/http"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// CreateCartRequest is the optional body of POST /store/carts.
type CreateCartRequest struct {
	// Currency of the cart's prices; default the shop's currency.
	Currency commerce.Currency `json:"currency,omitempty"`
}

// CartResponse is a cart with its lines priced at today's catalog prices.
type CartResponse struct {
	cart.Cart
	Totals cart.Totals `json:"totals"`
}

// UpdateLineRequest is the body of PATCH /store/carts/{id}/items/{line}.
type UpdateLineRequest struct {
	// Quantity is the line's new quantity; 0 removes the line. Required.
	Quantity int `json:"quantity"`
}

// MergeCartRequest is the optional body of POST /store/carts/{id}/merge.
type MergeCartRequest struct {
	// Strategy decides the quantity of items both carts hold:
	// add_quantities (the default), keep_customer or keep_guest.
	Strategy cart.MergeStrategy `json:"strategy,omitempty"`
}

func (a *API) cartRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts", Tag: "carts",
		Summary:      "Create a cart (the body is optional); created with a customer token, the cart belongs to that customer",
		OptionalBody: true, Request: CreateCartRequest{}, Response: CartResponse{}, Status: http.StatusCreated,
		handle: func(w http.ResponseWriter, r *http.Request) error {
			// The currency is read as a string so that the cart service
			// judges it and names the field when it is wrong.
			var in struct {
				Currency string `json:"currency,omitempty"`
			}
			if err := a.decodeOptionalJSON(w, r, &in); err != nil {
				return err
			}
			c, err := a.svc.Carts.Create(r.Context(), cart.CreateInput{CustomerID: callerOf(r).customer, Currency: commerce.Currency(in.Currency)})
			if err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusCreated, c)
		},
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/carts/mine", Tag: "carts", Auth: Customer,
		Summary:  "The signed-in customer's active cart, priced",
		Response: CartResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			c, err := a.svc.Carts.ForCustomer(r.Context(), callerOf(r).customer)
			if err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusOK, c)
		},
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/carts/{id}", Tag: "carts",
		Summary:  "A cart with its lines priced at today's prices",
		Response: CartResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			c, err := a.ownCart(r)
			if err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusOK, c)
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts/{id}/items", Tag: "carts",
		Summary: "Add units of a SKU to a cart (raising the quantity of a line with the same SKU and metadata)",
		Request: cart.AddItemInput{}, Response: CartResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			var in cart.AddItemInput
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			c, err := a.ownCart(r)
			if err != nil {
				return err
			}
			if c, err = a.svc.Carts.AddItem(r.Context(), c.ID, in); err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusOK, c)
		},
	})
	a.add(Route{
		Method: http.MethodPatch, Path: "/store/carts/{id}/items/{line}", Tag: "carts",
		Summary: "Set the quantity of a cart line; 0 removes it",
		Request: UpdateLineRequest{}, Response: CartResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			lineID, err := pathID[commerce.LineID](r, "line")
			if err != nil {
				return err
			}
			// A pointer tells a missing quantity, which must not mean 0
			// (remove the line), from an explicit one.
			var in struct {
				Quantity *int `json:"quantity"`
			}
			if err := a.decodeJSON(w, r, &in); err != nil {
				return err
			}
			if in.Quantity == nil {
				return commerce.Errorf(commerce.CodeInvalidArgument, "quantity is required").WithDetail("field", "quantity")
			}
			c, err := a.ownCart(r)
			if err != nil {
				return err
			}
			if c, err = a.svc.Carts.UpdateQuantity(r.Context(), c.ID, lineID, *in.Quantity); err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusOK, c)
		},
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/store/carts/{id}/items/{line}", Tag: "carts",
		Summary:  "Remove a line from a cart",
		Response: CartResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			lineID, err := pathID[commerce.LineID](r, "line")
			if err != nil {
				return err
			}
			c, err := a.ownCart(r)
			if err != nil {
				return err
			}
			if c, err = a.svc.Carts.RemoveItem(r.Context(), c.ID, lineID); err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusOK, c)
		},
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/store/carts/{id}/items", Tag: "carts",
		Summary:  "Remove every line from a cart",
		Response: CartResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			c, err := a.ownCart(r)
			if err != nil {
				return err
			}
			if c, err = a.svc.Carts.Clear(r.Context(), c.ID); err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusOK, c)
		},
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts/{id}/merge", Tag: "carts", Auth: Customer,
		Summary:      "After sign-in, make a guest cart the caller's: merged into their active cart, or attached when they have none (the body is optional)",
		OptionalBody: true, Request: MergeCartRequest{}, Response: CartResponse{},
		handle: func(w http.ResponseWriter, r *http.Request) error {
			var in MergeCartRequest
			if err := a.decodeOptionalJSON(w, r, &in); err != nil {
				return err
			}
			if in.Strategy == "" {
				in.Strategy = cart.MergeAddQuantities
			}
			guest, err := a.ownCart(r)
			if err != nil {
				return err
			}
			c, err := a.svc.Carts.Merge(r.Context(), guest.ID, callerOf(r).customer, in.Strategy)
			if errors.Is(err, commerce.ErrPermissionDenied) {
				// Another customer took the cart since ownCart read it:
				// answer as for any cart that is not the caller's.
				return cartNotFound(guest.ID)
			}
			if err != nil {
				return err
			}
			return a.writeCart(w, r, http.StatusOK, c)
		},
	})
}

// ownCart returns the cart named by the path's {id} if the caller may
// use it: a guest cart, or one of the caller's. Any other cart is
// NotFound, worded exactly as a missing one, so that nobody learns that a
// customer's cart exists.
func (a *API) ownCart(r *http.Request) (cart.Cart, error) {
	id, err := pathID[commerce.CartID](r, "id")
	if err != nil {
		return cart.Cart{}, err
	}
	c, err := a.svc.Carts.Get(r.Context(), id)
	switch {
	case errors.Is(err, commerce.ErrNotFound):
		return cart.Cart{}, cartNotFound(id)
	case err != nil:
		return cart.Cart{}, err
	case !callerOf(r).owns(c.CustomerID):
		return cart.Cart{}, cartNotFound(id)
	}
	return c, nil
}

func cartNotFound(id commerce.CartID) error {
	return commerce.Errorf(commerce.CodeNotFound, "cart %s not found", id).WithDetail("cart_id", id.String())
}

// writeCart answers c priced at today's prices.
func (a *API) writeCart(w http.ResponseWriter, r *http.Request, status int, c cart.Cart) error {
	t, err := a.svc.Carts.Price(r.Context(), c)
	if err != nil {
		return err
	}
	writeJSON(w, status, CartResponse{Cart: c, Totals: t})
	return nil
}
