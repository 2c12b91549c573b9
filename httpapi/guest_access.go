package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/mercatohq/mercato/commerce"
)

// The headers that carry a guest's capability tokens. A guest cart or a
// guest order is reachable only with its token: the ID names it, the
// token proves the caller is the guest who made it.
const (
	// CartTokenHeader carries the token of a guest cart, answered by
	// POST /store/carts (header and cart_token). Every route on the cart
	// needs it, merging it into a signed-in customer's cart included.
	CartTokenHeader = "X-Cart-Token"
	// OrderTokenHeader carries the token of a guest order, answered by the
	// checkout of a guest cart (header and order_token). Reading the
	// order, cancelling it and asking to return it need it.
	OrderTokenHeader = "X-Order-Token"
)

// MinGuestTokenKeyLength is the shortest Options.GuestTokenKey accepted,
// in bytes: HMAC-SHA256 is only as strong as a key of its output size.
const MinGuestTokenKeyLength = 32

// guestTokens makes and checks the capability tokens of guest carts and
// orders. A token is the HMAC-SHA256 of the resource's ID under the API's
// key: nothing is stored, any instance holding the key checks it, and it
// cannot be computed from the ID without the key. A customer's own cart
// and orders need no token; the session token stands for it.
type guestTokens struct{ key []byte }

// token returns the capability token of id.
func (g guestTokens) token(id string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// valid reports, in constant time, whether presented is id's token.
func (g guestTokens) valid(id, presented string) bool {
	if presented == "" {
		return false
	}
	return hmac.Equal([]byte(presented), []byte(g.token(id)))
}

// cartToken returns the token of guest cart id.
func (a *API) cartToken(id commerce.CartID) string { return a.tokens.token(id.String()) }

// orderToken returns the token of guest order id.
func (a *API) orderToken(id commerce.OrderID) string { return a.tokens.token(id.String()) }

// mayUseCart reports whether r may use the cart id owned by owner: the
// owner's session, or for a guest cart the cart's token.
func (a *API) mayUseCart(r *http.Request, id commerce.CartID, owner commerce.CustomerID) bool {
	if !owner.IsZero() {
		return owner == callerOf(r).customer
	}
	return a.tokens.valid(id.String(), r.Header.Get(CartTokenHeader))
}

// mayUseOrder is mayUseCart for orders and X-Order-Token.
func (a *API) mayUseOrder(r *http.Request, id commerce.OrderID, owner commerce.CustomerID) bool {
	if !owner.IsZero() {
		return owner == callerOf(r).customer
	}
	return a.tokens.valid(id.String(), r.Header.Get(OrderTokenHeader))
}
