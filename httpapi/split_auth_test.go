package httpapi_test

import (
	"bytes"
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/order"
)

// remoteAuth stands for a client of the user service in another process:
// it verifies tokens with the customer service and counts the calls.
type remoteAuth struct {
	customers *customer.Service
	calls     atomic.Int64
}

func (r *remoteAuth) Authenticate(ctx context.Context, token string) (customer.Claims, error) {
	r.calls.Add(1)
	return r.customers.Authenticate(ctx, token)
}

// TestCartOnlyAPIWithRemoteAuthenticator checks a cart-only API knows
// customers through Options.Authenticator.
func TestCartOnlyAPIWithRemoteAuthenticator(t *testing.T) {
	s := newShop(t)
	me, token := s.customer("a@example.com")
	auth := &remoteAuth{customers: s.svc.Customers}
	carts := s.over(httpapi.Services{Carts: s.svc.Carts}, func(o *httpapi.Options) { o.Authenticator = auth })

	c := carts.newCart(token)
	assert.Equal(t, me.ID, c.CustomerID)
	assert.Empty(t, c.CartToken, "a customer's cart needs no guest token")
	r := carts.do(http.MethodGet, "/store/carts/mine", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Positive(t, auth.calls.Load())

	r = carts.do(http.MethodGet, "/store/carts/mine", "not-a-session-token", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
	r = carts.do(http.MethodGet, "/store/carts/mine", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
}

// TestGuestOnlyAPI checks an API without any authenticator serves guests
// and answers 401, never a 5xx, to a customer token.
func TestGuestOnlyAPI(t *testing.T) {
	s := newShop(t)
	_, token := s.customer("a@example.com")
	carts := s.over(httpapi.Services{Carts: s.svc.Carts}, nil)
	c := carts.newCart("")
	assert.True(t, c.CustomerID.IsZero())
	assert.NotEmpty(t, c.CartToken)
	r := carts.do(http.MethodPost, "/store/carts", token, nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
	assert.Equal(t, string(commerce.CodeUnauthenticated), r.errorCode(t))
	r = carts.do(http.MethodGet, "/store/carts/mine", token, nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
}

// TestTrustedGatewayIdentity checks an API behind a gateway takes the
// customer from the gateway's headers, and only when told to.
func TestTrustedGatewayIdentity(t *testing.T) {
	s := newShop(t)
	me, token := s.customer("a@example.com")
	_, otherToken := s.customer("b@example.com")
	claims, err := s.svc.Customers.Authenticate(context.Background(), token)
	require.NoError(t, err)
	identity := []string{httpapi.GatewayCustomerHeader, claims.CustomerID.String(), httpapi.GatewaySessionHeader, claims.SessionID.String()}
	auth := &remoteAuth{customers: s.svc.Customers}

	t.Run("trusted", func(t *testing.T) {
		carts := s.over(httpapi.Services{Carts: s.svc.Carts}, func(o *httpapi.Options) {
			o.TrustGatewayIdentity = true
			o.Authenticator = auth
		})
		r := carts.do(http.MethodPost, "/store/carts", "", nil, identity...)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		var c httpapi.CartResponse
		r.json(t, &c)
		assert.Equal(t, me.ID, c.CustomerID)
		r = carts.do(http.MethodGet, "/store/carts/"+c.ID.String(), "", nil, identity...)
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
		r = carts.do(http.MethodGet, "/store/carts/mine", "", nil, identity...)
		assert.Equal(t, http.StatusOK, r.status, "%s", r.body)

		// Without the headers the caller is a guest: the gateway found no
		// token, and a token that reached the API is not verified again.
		r = carts.do(http.MethodGet, "/store/carts/mine", "", nil)
		assert.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
		r = carts.do(http.MethodGet, "/store/carts/"+c.ID.String(), otherToken, nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
		guest := carts.newCart(otherToken)
		assert.True(t, guest.CustomerID.IsZero())
		assert.Zero(t, auth.calls.Load(), "the gateway verified the token")

		for name, headers := range map[string][]string{
			"bad customer":      {httpapi.GatewayCustomerHeader, "nope", httpapi.GatewaySessionHeader, claims.SessionID.String()},
			"bad session":       {httpapi.GatewayCustomerHeader, claims.CustomerID.String(), httpapi.GatewaySessionHeader, "sess_nope"},
			"customer only":     {httpapi.GatewayCustomerHeader, claims.CustomerID.String()},
			"session only":      {httpapi.GatewaySessionHeader, claims.SessionID.String()},
			"swapped":           {httpapi.GatewayCustomerHeader, claims.SessionID.String(), httpapi.GatewaySessionHeader, claims.CustomerID.String()},
			"empty customer id": {httpapi.GatewayCustomerHeader, "", httpapi.GatewaySessionHeader, claims.SessionID.String()},
		} {
			r := carts.do(http.MethodPost, "/store/carts", "", nil, headers...)
			assert.Equal(t, http.StatusUnauthorized, r.status, "%s: %s", name, r.body)
			assert.Equal(t, string(commerce.CodeUnauthenticated), r.errorCode(t), name)
		}

		// Two values of a header are refused, whatever the first says.
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, carts.srv.URL+"/store/carts", bytes.NewReader(nil))
		require.NoError(t, err)
		req.Header.Add(httpapi.GatewayCustomerHeader, claims.CustomerID.String())
		req.Header.Add(httpapi.GatewayCustomerHeader, claims.CustomerID.String())
		req.Header.Set(httpapi.GatewaySessionHeader, claims.SessionID.String())
		resp, err := carts.srv.Client().Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})

	t.Run("not trusted", func(t *testing.T) {
		carts := s.over(httpapi.Services{Carts: s.svc.Carts}, func(o *httpapi.Options) { o.Authenticator = auth })
		// Headers a client sends claim nothing: only the token counts.
		c := carts.newCart("")
		r := carts.do(http.MethodGet, "/store/carts/"+c.ID.String(), "", nil, append(identity, httpapi.CartTokenHeader, "")...)
		assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
		r = carts.do(http.MethodGet, "/store/carts/mine", "", nil, identity...)
		assert.Equal(t, http.StatusUnauthorized, r.status, "%s", r.body)
		r = carts.do(http.MethodPost, "/store/carts", "", nil, identity...)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		var guest httpapi.CartResponse
		r.json(t, &guest)
		assert.True(t, guest.CustomerID.IsZero(), "the headers made the caller a customer")
		// Malformed ones are ignored as well.
		r = carts.do(http.MethodPost, "/store/carts", "", nil, httpapi.GatewayCustomerHeader, "nope")
		assert.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		// With a token, the token's customer, not the headers'.
		r = carts.do(http.MethodPost, "/store/carts", otherToken, nil, identity...)
		require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		var theirs httpapi.CartResponse
		r.json(t, &theirs)
		assert.NotEqual(t, me.ID, theirs.CustomerID)
		assert.False(t, theirs.CustomerID.IsZero())
	})

	t.Run("logout behind the gateway", func(t *testing.T) {
		users := s.over(httpapi.Services{Customers: s.svc.Customers}, func(o *httpapi.Options) { o.TrustGatewayIdentity = true })
		r := users.do(http.MethodGet, "/store/customers/me", "", nil, identity...)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		// The gateway forwards the token for the user service to revoke.
		r = users.do(http.MethodPost, "/store/auth/logout", token, nil, identity...)
		require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
		_, err := s.svc.Customers.Authenticate(context.Background(), token)
		assert.Equal(t, commerce.CodeUnauthenticated, commerce.Code(err))
	})
}

// TestGuestTokensAcrossServices checks a guest's cart token made by a
// cart-only API opens the cart's checkout on an order-only API in
// another process with the same key, and the order token it answers
// opens the order on another instance.
func TestGuestTokensAcrossServices(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	key := bytes.Repeat([]byte("k"), httpapi.MinGuestTokenKeyLength)
	withKey := func(k []byte) func(*httpapi.Options) {
		return func(o *httpapi.Options) { o.GuestTokenKey = k }
	}
	carts := s.over(httpapi.Services{Carts: s.svc.Carts}, withKey(key))
	orderAPI := func(k []byte) *shop {
		return s.over(httpapi.Services{Orders: s.svc.Orders}, func(o *httpapi.Options) {
			o.GuestTokenKey = k
			o.CartReader = s.svc.Carts // a client of the cart service
		})
	}
	orders, otherOrders := orderAPI(key), orderAPI(key)
	strangers := orderAPI(bytes.Repeat([]byte("z"), httpapi.MinGuestTokenKeyLength))

	c := carts.newCart("")
	require.NotEmpty(t, c.CartToken)
	carts.addItem(c.ID, "", "MUG-1", 1)
	path := "/store/carts/" + c.ID.String() + "/checkout"
	body := checkoutBody("guest@example.com", "pm_card_visa")

	r := strangers.do(http.MethodPost, path, "", body, "Idempotency-Key", "k1", httpapi.CartTokenHeader, c.CartToken)
	assert.Equal(t, http.StatusNotFound, r.status, "another key: %s", r.body)
	r = orders.do(http.MethodPost, path, "", body, "Idempotency-Key", "k1")
	assert.Equal(t, http.StatusNotFound, r.status, "no token: %s", r.body)

	r = orders.do(http.MethodPost, path, "", body, "Idempotency-Key", "k1", httpapi.CartTokenHeader, c.CartToken)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var placed httpapi.CheckoutResponse
	r.json(t, &placed)
	assert.Equal(t, order.StatusConfirmed, placed.Status)
	require.NotEmpty(t, placed.OrderToken)

	r = otherOrders.do(http.MethodGet, "/store/orders/"+placed.ID.String(), "", nil, httpapi.OrderTokenHeader, placed.OrderToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = strangers.do(http.MethodGet, "/store/orders/"+placed.ID.String(), "", nil, httpapi.OrderTokenHeader, placed.OrderToken)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
	// The repeat, on the other instance, answers the same order.
	r = otherOrders.do(http.MethodPost, path, "", body, "Idempotency-Key", "k1", httpapi.CartTokenHeader, c.CartToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var again httpapi.CheckoutResponse
	r.json(t, &again)
	assert.Equal(t, placed.ID, again.ID)
	assert.Equal(t, placed.OrderToken, again.OrderToken)
}

// TestCheckoutWithoutCustomerReader checks an order-only API that cannot
// read customers asks a signed-in buyer for the email, and uses the one
// given.
func TestCheckoutWithoutCustomerReader(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	_, token := s.customer("a@example.com")
	orders := s.over(httpapi.Services{Orders: s.svc.Orders}, func(o *httpapi.Options) {
		o.CartReader = s.svc.Carts
		o.Authenticator = s.svc.Customers
	})
	id := s.cartWith(token, "MUG-1", 1)
	r := orders.checkout(id, token, "k1", checkoutBody("", "pm_card_visa"))
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	r = orders.checkout(id, token, "k2", checkoutBody("a@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
}
