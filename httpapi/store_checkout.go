package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// CheckoutRequest is the body of POST /store/carts/{id}/checkout.
type CheckoutRequest struct {
	// Email receives the order's messages. Optional for a signed-in
	// customer, whose account email it defaults to.
	Email string `json:"email,omitempty"`
	// PaymentMethod is the payment provider's payment-method token, such
	// as Stripe's pm_card_visa.
	PaymentMethod   string           `json:"payment_method"`
	ShippingAddress commerce.Address `json:"shipping_address"`
	// BillingAddress defaults to the shipping address.
	BillingAddress *commerce.Address `json:"billing_address,omitempty"`
	// ExpectedTotal, when given, is the total the customer agreed to: a
	// checkout that would cost anything else fails with 409 and the
	// actual total in the error's details.
	ExpectedTotal *commerce.Money `json:"expected_total,omitempty"`
	// GiftCards pay part of the order, in turn, each for what is left to
	// pay up to its amount; the card payment takes the rest, and an order
	// they pay in full takes none. A card unknown is 400 naming
	// gift_cards[i].code, one short of its amount 409.
	GiftCards []order.GiftCardUse `json:"gift_cards,omitempty"`
}

// CheckoutResponse is the order a checkout placed.
type CheckoutResponse struct {
	order.Order
	// OrderToken, answered for a guest's order (and in the X-Order-Token
	// header), is the secret reading, cancelling or returning the order
	// needs in X-Order-Token. A repeat of the checkout answers it again.
	OrderToken string `json:"order_token,omitempty"`
}

func (a *API) checkoutRoutes() {
	a.add(Route{
		Method: http.MethodPost, Path: "/store/carts/{id}/checkout", Tag: "checkout",
		Summary: "Check a cart out: reserve the stock, take the payment and answer the confirmed order (201); " +
			"a repeat with the same Idempotency-Key and body answers the same order (200) and charges nothing more; " +
			"the same key with another body is 409. Keys are the caller's: a signed-in customer's, or a guest cart's. " +
			"A guest cart needs its X-Cart-Token; a guest's order comes with its order_token (also in the X-Order-Token header)",
		Header: "Idempotency-Key", TokenHeader: CartTokenHeader,
		Request: CheckoutRequest{}, Response: CheckoutResponse{}, Status: http.StatusCreated,
		handle: a.checkout,
	})
}

func (a *API) checkout(w http.ResponseWriter, r *http.Request, rt *Route) error {
	id, err := pathID[commerce.CartID](r, "id")
	if err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	var in CheckoutRequest
	if err := a.decodeJSON(w, r, &in); err != nil {
		return err
	}
	// A signed-in caller is the buyer: a guest cart they check out
	// becomes their order, in their list, which they may cancel.
	who := callerOf(r)
	// The cart may be gone when a checkout is repeated long after it
	// converted; the order service answers a repeat from the key alone,
	// so a missing cart is left to it and ownership checked on the order.
	c, err := a.opts.CartReader.Get(r.Context(), id)
	switch {
	case errors.Is(err, commerce.ErrNotFound):
	case err != nil:
		return err
	case !a.mayUseCart(r, id, c.CustomerID):
		return cartNotFound(id)
	}
	if in.Email == "" && !who.customer.IsZero() && a.opts.CustomerReader != nil {
		me, err := a.opts.CustomerReader.Get(r.Context(), who.customer)
		if err != nil {
			return err
		}
		in.Email = me.Email
	}
	// Keys are the caller's: a signed-in customer's across their
	// checkouts, a guest's within their cart. Another caller's key, equal
	// or not, never reaches this caller's order.
	scope := id.String()
	if !who.customer.IsZero() {
		scope = who.customer.String()
	}
	o, err := a.svc.Orders.Checkout(r.Context(), id, order.CheckoutInput{
		Email: in.Email, CustomerID: who.customer, ShippingAddress: in.ShippingAddress, BillingAddress: in.BillingAddress,
		PaymentMethod: in.PaymentMethod, IdempotencyKey: scopedKey(scope, key), ExpectedTotal: in.ExpectedTotal,
		GiftCards: in.GiftCards,
	})
	switch {
	case errors.Is(err, commerce.ErrNotFound) && c.ID.IsZero(),
		errors.Is(err, commerce.ErrPermissionDenied): // adopted since read
		return cartNotFound(id)
	case err != nil:
		return a.withOrderToken(w, r, err, who.customer.IsZero() && c.CustomerID.IsZero() && !c.ID.IsZero())
	case !a.mayUseCart(r, id, o.CustomerID):
		// A repeat for a cart that is gone: the order's buyer, or for a
		// guest's order the guest cart's token, proves the caller.
		return cartNotFound(id)
	}
	// A cart already converted into this very order, or one gone, means
	// the order existed before this request: it is a repeat.
	status := rt.Status
	if c.ID.IsZero() || (c.Status == cart.StatusConverted && c.ConvertedOrderID == o.ID) {
		status = http.StatusOK
	}
	out := CheckoutResponse{Order: o}
	if o.CustomerID.IsZero() {
		out.OrderToken = a.orderToken(o.ID)
		w.Header().Set(OrderTokenHeader, out.OrderToken)
	}
	writeJSON(w, status, out)
	return nil
}

// withOrderToken returns err, a failed checkout, and when it names a
// guest's order (one a declined payment cancelled) and the caller is that
// guest, answers that order's token too: the guest may read why it failed.
func (a *API) withOrderToken(w http.ResponseWriter, r *http.Request, err error, guest bool) error {
	var ce *commerce.Error
	if !guest || !errors.As(err, &ce) {
		return err
	}
	raw, _ := ce.Details["order_id"].(string)
	id, perr := commerce.ParseID[commerce.OrderID](raw)
	if perr != nil {
		return err
	}
	if o, gerr := a.svc.Orders.Get(r.Context(), id); gerr != nil || !o.CustomerID.IsZero() {
		return err
	}
	token := a.orderToken(id)
	w.Header().Set(OrderTokenHeader, token)
	return ce.WithDetail("order_token", token)
}

// maxScopedKey is the longest idempotency key the order service takes.
const maxScopedKey = 150

// scopedKey is key within scope, the caller: "<scope>:<key>", with a long
// key replaced by its SHA-256 so that the whole fits the order service.
func scopedKey(scope, key string) string {
	if len(scope)+1+len(key) > maxScopedKey {
		sum := sha256.Sum256([]byte(key))
		key = "sha256-" + base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return scope + ":" + key
}
