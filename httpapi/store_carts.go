package httpapi

import (
	"context"
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
	// CartToken, answered only by the creation of a guest cart (and in
	// the X-Cart-Token header), is the secret every later request on the
	// cart must send in X-Cart-Token. Keep it as you keep the cart's ID:
	// it is the guest's only proof the cart is theirs.
	CartToken string `json:"cart_token,omitempty"`
}

// UpdateLineRequest is the body of PATCH /store/carts/{id}/items/{line}.
type UpdateLineRequest struct {
	// Quantity is the line's new quantity; 0 removes the line. Required.
	Quantity int `json:"quantity"`
}

// ApplyCodeRequest is the body of POST /store/carts/{id}/codes.
type ApplyCodeRequest struct {
	// Code is the promotion code the buyer entered; case and surrounding
	// spaces do not matter.
	Code string `json:"code"`
}

// MergeCartRequest is the optional body of POST /store/carts/{id}/merge.
type MergeCartRequest struct {
	// Strategy decides the quantity of items both carts hold:
	// add_quantities (the default), keep_customer or keep_guest.
	Strategy cart.MergeStrategy `json:"strategy,omitempty"`
}

// createCartBody is what CreateCartRequest decodes into: the currency is
// read as a string so that the cart service judges it and names the
// field when it is wrong. It is an unnamed struct, as is updateLineBody,
// so that a body of the wrong JSON type is told what fields it needs
// rather than the name of a type of this package.
type createCartBody = struct {
	Currency string `json:"currency,omitempty"`
}

// updateLineBody is what UpdateLineRequest decodes into: a pointer tells
// a missing quantity, which must not mean 0 (remove the line), from an
// explicit one.
type updateLineBody = struct {
	Quantity *int `json:"quantity"`
}

func (a *API) cartRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts", Tag: "carts",
		Summary: "Create a cart (the body is optional); created with a customer token, the cart belongs to that customer. " +
			"A guest cart comes with its cart_token (also in the X-Cart-Token header), which every later request on the cart must send in X-Cart-Token",
		OptionalBody: true, Request: CreateCartRequest{}, Response: CartResponse{}, Status: http.StatusCreated,
		handle: func(w http.ResponseWriter, r *http.Request, rt *Route) error {
			var in createCartBody
			if err := a.decodeOptionalJSON(w, r, &in); err != nil {
				return err
			}
			c, err := a.svc.Carts.Create(r.Context(), cart.CreateInput{CustomerID: callerOf(r).customer, Currency: commerce.Currency(in.Currency)})
			if err != nil {
				return err
			}
			out, err := a.priced(r.Context(), c)
			if err != nil {
				return err
			}
			if c.CustomerID.IsZero() {
				out.CartToken = a.cartToken(c.ID)
				w.Header().Set(CartTokenHeader, out.CartToken)
			}
			writeJSON(w, rt.Status, out)
			return nil
		},
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/carts/mine", Tag: "carts", Auth: Customer,
		Summary:  "The signed-in customer's active cart, priced",
		Response: CartResponse{},
		handle: replyCart(a, func(r *http.Request) (cart.Cart, error) {
			return a.svc.Carts.ForCustomer(r.Context(), callerOf(r).customer)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/store/carts/{id}", Tag: "carts",
		Summary:     "A cart with its lines priced at today's prices",
		TokenHeader: CartTokenHeader,
		Response:    CartResponse{},
		handle:      replyCart(a, a.ownCart),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts/{id}/items", Tag: "carts",
		Summary:     "Add units of a SKU to a cart (raising the quantity of a line with the same SKU and metadata)",
		TokenHeader: CartTokenHeader,
		Request:     cart.AddItemInput{}, Response: CartResponse{},
		handle: replyCartWith(a, func(r *http.Request, in cart.AddItemInput) (cart.Cart, error) {
			return a.changeOwnCart(r, func(ctx context.Context, id commerce.CartID, check cart.Check) (cart.Cart, error) {
				return a.svc.Carts.AddItem(ctx, id, in, check)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPatch, Path: "/store/carts/{id}/items/{line}", Tag: "carts",
		Summary:     "Set the quantity of a cart line; 0 removes it",
		TokenHeader: CartTokenHeader,
		Request:     UpdateLineRequest{}, Response: CartResponse{},
		handle: withID("line", func(lineID commerce.LineID) handler {
			return replyCartWith(a, func(r *http.Request, in updateLineBody) (cart.Cart, error) {
				if in.Quantity == nil {
					return cart.Cart{}, commerce.Errorf(commerce.CodeInvalidArgument, "quantity is required").WithDetail("field", "quantity")
				}
				return a.changeOwnCart(r, func(ctx context.Context, id commerce.CartID, check cart.Check) (cart.Cart, error) {
					return a.svc.Carts.UpdateQuantity(ctx, id, lineID, *in.Quantity, check)
				})
			})
		}),
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/store/carts/{id}/items/{line}", Tag: "carts",
		Summary:     "Remove a line from a cart",
		TokenHeader: CartTokenHeader,
		Response:    CartResponse{},
		handle: withID("line", func(lineID commerce.LineID) handler {
			return replyCart(a, func(r *http.Request) (cart.Cart, error) {
				return a.changeOwnCart(r, func(ctx context.Context, id commerce.CartID, check cart.Check) (cart.Cart, error) {
					return a.svc.Carts.RemoveItem(ctx, id, lineID, check)
				})
			})
		}),
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/store/carts/{id}/items", Tag: "carts",
		Summary:     "Remove every line from a cart",
		TokenHeader: CartTokenHeader,
		Response:    CartResponse{},
		handle: replyCart(a, func(r *http.Request) (cart.Cart, error) {
			return a.changeOwnCart(r, func(ctx context.Context, id commerce.CartID, check cart.Check) (cart.Cart, error) {
				return a.svc.Carts.Clear(ctx, id, check)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts/{id}/codes", Tag: "carts",
		Summary: "Enter a promotion code in a cart; the totals then show the discount, or why the code gives none. " +
			"A code no cart could use (unknown, expired, used up, another currency) is 400 with the reason in the error's details",
		TokenHeader: CartTokenHeader,
		Request:     ApplyCodeRequest{}, Response: CartResponse{},
		handle: replyCartWith(a, func(r *http.Request, in ApplyCodeRequest) (cart.Cart, error) {
			return a.changeOwnCart(r, func(ctx context.Context, id commerce.CartID, check cart.Check) (cart.Cart, error) {
				return a.svc.Carts.ApplyCode(ctx, id, in.Code, check)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodDelete, Path: "/store/carts/{id}/codes/{code}", Tag: "carts",
		Summary:     "Take a promotion code out of a cart",
		TokenHeader: CartTokenHeader,
		Response:    CartResponse{},
		handle: replyCart(a, func(r *http.Request) (cart.Cart, error) {
			return a.changeOwnCart(r, func(ctx context.Context, id commerce.CartID, check cart.Check) (cart.Cart, error) {
				return a.svc.Carts.RemoveCode(ctx, id, r.PathValue("code"), check)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts/{id}/merge", Tag: "carts", Auth: Customer,
		Summary:      "After sign-in, make a guest cart the caller's: merged into their active cart, or attached when they have none (the body is optional); the guest cart's X-Cart-Token is required",
		TokenHeader:  CartTokenHeader,
		OptionalBody: true, Request: MergeCartRequest{}, Response: CartResponse{},
		handle: replyCartWith(a, func(r *http.Request, in MergeCartRequest) (cart.Cart, error) {
			if in.Strategy == "" {
				in.Strategy = cart.MergeAddQuantities
			}
			guest, err := a.ownCart(r)
			if err != nil {
				return cart.Cart{}, err
			}
			c, err := a.svc.Carts.Merge(r.Context(), guest.ID, callerOf(r).customer, in.Strategy)
			if errors.Is(err, commerce.ErrPermissionDenied) {
				// Another customer took the cart since ownCart read it:
				// answer as for any cart that is not the caller's.
				return cart.Cart{}, cartNotFound(guest.ID)
			}
			return c, err
		}),
	})
}

// replyCart answers the cart op returns, priced at today's prices.
func replyCart(a *API, op func(r *http.Request) (cart.Cart, error)) handler {
	return reply(func(r *http.Request) (CartResponse, error) {
		c, err := op(r)
		if err != nil {
			return CartResponse{}, err
		}
		return a.priced(r.Context(), c)
	})
}

// replyCartWith is replyCart for a route with a JSON body.
func replyCartWith[In any](a *API, op func(r *http.Request, in In) (cart.Cart, error)) handler {
	return replyWith(a, func(r *http.Request, in In) (CartResponse, error) {
		c, err := op(r, in)
		if err != nil {
			return CartResponse{}, err
		}
		return a.priced(r.Context(), c)
	})
}

// ownCart returns the cart named by the path's {id} if the caller may
// use it: one of the caller's, or a guest cart with its X-Cart-Token (see
// owned).
func (a *API) ownCart(r *http.Request) (cart.Cart, error) {
	return owned(r, a.svc.Carts.Get, func(c cart.Cart) commerce.CustomerID { return c.CustomerID }, a.mayUseCart, cartNotFound)
}

func cartNotFound(id commerce.CartID) error {
	return commerce.Errorf(commerce.CodeNotFound, "cart %s not found", id).WithDetail("cart_id", id.String())
}

// priced returns c with its totals at today's prices.
func (a *API) priced(ctx context.Context, c cart.Cart) (CartResponse, error) {
	t, err := a.svc.Carts.Price(ctx, c)
	if err != nil {
		return CartResponse{}, err
	}
	return CartResponse{Cart: c, Totals: t}, nil
}
