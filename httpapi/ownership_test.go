package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/order"
)

// ownFixture is a shop with two signed-in customers, A and B, and a cart
// (with one line) and a confirmed order that are A's, or a guest's.
type ownFixture struct {
	s              *shop
	aToken, bToken string
	cart           commerce.CartID
	line           commerce.LineID
	order          commerce.OrderID
}

func newOwnFixture(t *testing.T, guest bool) *ownFixture {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 100)
	f := &ownFixture{s: s}
	_, f.aToken = s.customer("a@example.com")
	_, f.bToken = s.customer("b@example.com")
	owner := f.aToken
	if guest {
		owner = ""
	}
	f.order = s.placeOrder(owner, "MUG-1").ID
	c := s.newCart(owner)
	f.cart = c.ID
	f.line = s.addItem(c.ID, owner, "MUG-1", 1).Lines[0].ID
	return f
}

// path fills a route's placeholders with the fixture's IDs.
func (f *ownFixture) path(tmpl string) string {
	return f.fill(tmpl, f.cart, f.order)
}

func (f *ownFixture) fill(tmpl string, c commerce.CartID, o commerce.OrderID) string {
	return strings.NewReplacer("{cart}", c.String(), "{line}", f.line.String(), "{order}", o.String()).Replace(tmpl)
}

// snapshot is what a refused request must leave as it was.
type snapshot struct {
	cartVersion, orderVersion int64
	orderStatus               order.Status
	authorizations, refunds   int
}

func (f *ownFixture) snapshot(t *testing.T) snapshot {
	t.Helper()
	ctx := context.Background()
	c, err := f.s.svc.Carts.Get(ctx, f.cart)
	require.NoError(t, err)
	o, err := f.s.svc.Orders.Get(ctx, f.order)
	require.NoError(t, err)
	return snapshot{
		cartVersion: c.Version, orderVersion: o.Version, orderStatus: o.Status,
		authorizations: f.s.provider.Calls("authorize"), refunds: f.s.provider.Calls("refund"),
	}
}

// ownershipRoutes are every store route that takes a cart or order ID,
// with a valid request and the status its owner gets.
var ownershipRoutes = []struct {
	method, path string
	body         any
	headers      []string
	// signedIn routes answer 401 without a token, before looking at IDs.
	signedIn bool
	// prepare gets the fixture's order ready for the route.
	prepare func(f *ownFixture)
	status  int
}{
	{method: http.MethodGet, path: "/store/carts/{cart}", status: 200},
	{method: http.MethodPost, path: "/store/carts/{cart}/items", body: map[string]any{"sku": "MUG-1", "quantity": 1}, status: 200},
	{method: http.MethodPatch, path: "/store/carts/{cart}/items/{line}", body: map[string]any{"quantity": 3}, status: 200},
	{method: http.MethodDelete, path: "/store/carts/{cart}/items/{line}", status: 200},
	{method: http.MethodDelete, path: "/store/carts/{cart}/items", status: 200},
	{method: http.MethodPost, path: "/store/carts/{cart}/merge", signedIn: true, status: 200},
	{method: http.MethodPost, path: "/store/carts/{cart}/checkout", body: checkoutBody("x@example.com", "pm_card_visa"),
		headers: []string{"Idempotency-Key", "ownership-checkout"}, status: 201},
	{method: http.MethodGet, path: "/store/orders/{order}", status: 200},
	{method: http.MethodPost, path: "/store/orders/{order}/cancel", body: map[string]string{"reason": "mine to cancel"}, status: 200},
	{method: http.MethodPost, path: "/store/orders/{order}/return", body: map[string]string{"reason": "mine to return"}, status: 200,
		prepare: func(f *ownFixture) { f.s.advance(f.order, toDelivered...) }},
}

// TestOwnership: a customer's cart or order is reachable only with that
// customer's token. Anyone else (another customer, or nobody) gets the
// same 404 as for an ID that does not exist, and changes nothing; a
// guest's is reachable by its ID alone.
func TestOwnership(t *testing.T) {
	for _, rt := range ownershipRoutes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			t.Run("customer's", func(t *testing.T) {
				f := newOwnFixture(t, false)
				if rt.prepare != nil {
					rt.prepare(f)
				}
				before := f.snapshot(t)
				path := f.path(rt.path)
				// The answer for a resource that does not exist, with the
				// ID swapped, is what every stranger must see.
				missing := f.fill(rt.path, commerce.NewID[commerce.CartID](), commerce.NewID[commerce.OrderID]())
				nobody := f.s.do(rt.method, missing, f.bToken, rt.body, rt.headers...)
				require.Equal(t, http.StatusNotFound, nobody.status, "%s", nobody.body)

				r := f.s.do(rt.method, path, f.bToken, rt.body, rt.headers...)
				assert.Equal(t, http.StatusNotFound, r.status, "another customer's token: %s", r.body)
				assert.Equal(t, "not_found", r.errorCode(t))
				assert.Equal(t, sameIDs(string(nobody.body), missing, path), string(r.body),
					"another customer's resource looks exactly like a missing one")

				r = f.s.do(rt.method, path, "", rt.body, rt.headers...)
				if rt.signedIn {
					assert.Equal(t, http.StatusUnauthorized, r.status, "no token: %s", r.body)
				} else {
					assert.Equal(t, http.StatusNotFound, r.status, "no token: %s", r.body)
					assert.Equal(t, sameIDs(string(nobody.body), missing, path), string(r.body))
				}
				assert.Equal(t, before, f.snapshot(t), "a refused request changes nothing")

				r = f.s.do(rt.method, path, f.aToken, rt.body, rt.headers...)
				assert.Equal(t, rt.status, r.status, "the owner's token: %s", r.body)
			})
			t.Run("guest's", func(t *testing.T) {
				f := newOwnFixture(t, true)
				if rt.prepare != nil {
					rt.prepare(f)
				}
				token := ""
				if rt.signedIn {
					token = f.bToken // anyone signed in may adopt a guest cart they hold the token of
				}
				path := f.path(rt.path)
				header := httpapi.CartTokenHeader
				if strings.HasPrefix(rt.path, "/store/orders/") {
					header = httpapi.OrderTokenHeader
				}
				before := f.snapshot(t)
				missing := f.fill(rt.path, commerce.NewID[commerce.CartID](), commerce.NewID[commerce.OrderID]())
				nobody := f.s.do(rt.method, missing, token, rt.body, rt.headers...)
				require.Equal(t, http.StatusNotFound, nobody.status, "%s", nobody.body)
				// Knowing the ID is not enough: without the guest's token,
				// or with another resource's, it looks missing.
				other := f.s.guestToken(f.order.String())
				if header == httpapi.OrderTokenHeader {
					other = f.s.guestToken(f.cart.String())
				}
				for name, guess := range map[string]string{"no token": "", "a wrong token": "AAAA", "another resource's token": other} {
					r := f.s.do(rt.method, path, token, rt.body, append([]string{header, guess}, rt.headers...)...)
					assert.Equal(t, http.StatusNotFound, r.status, "%s: %s", name, r.body)
					assert.Equal(t, sameIDs(string(nobody.body), missing, path), string(r.body), "%s looks exactly like a missing one", name)
				}
				assert.Equal(t, before, f.snapshot(t), "a refused request changes nothing")

				r := f.s.do(rt.method, path, token, rt.body, rt.headers...)
				assert.Equal(t, rt.status, r.status, "a guest resource with its token: %s", r.body)
			})
		})
	}
}

// sameIDs rewrites the answer for the missing resource at missing into
// the answer expected at path: the same, naming path's IDs.
func sameIDs(body, missing, path string) string {
	m, p := strings.Split(missing, "/"), strings.Split(path, "/")
	for i := range m {
		if m[i] != p[i] {
			body = strings.ReplaceAll(body, m[i], p[i])
		}
	}
	return body
}

// TestGuestResourcesNeedTheirToken: a guest's order and cart are
// reachable with their capability token, whoever is signed in, and never
// by their ID alone, a customer's session notwithstanding.
func TestGuestResourcesNeedTheirToken(t *testing.T) {
	f := newOwnFixture(t, true)
	for path, header := range map[string]string{"/store/carts/{cart}": httpapi.CartTokenHeader, "/store/orders/{order}": httpapi.OrderTokenHeader} {
		r := f.s.do(http.MethodGet, f.path(path), f.bToken, nil, header, "")
		assert.Equal(t, http.StatusNotFound, r.status, "%s without its token: %s", path, r.body)
		r = f.s.do(http.MethodGet, f.path(path), f.bToken, nil)
		assert.Equal(t, http.StatusOK, r.status, "%s with its token: %s", path, r.body)
	}
}

// TestSignedInRoutesNeedAToken: the caller's own lists and cart need a
// customer token; the admin key is not one.
func TestSignedInRoutesNeedAToken(t *testing.T) {
	s := newShop(t)
	for _, rt := range [][2]string{
		{http.MethodGet, "/store/carts/mine"},
		{http.MethodGet, "/store/orders"},
		{http.MethodPost, "/store/carts/" + commerce.NewID[commerce.CartID]().String() + "/merge"},
	} {
		for _, token := range []string{"", "not-a-token", adminKey} {
			r := s.do(rt[0], rt[1], token, nil)
			assert.Equal(t, http.StatusUnauthorized, r.status, "%s %s with %q: %s", rt[0], rt[1], token, r.body)
		}
	}
}

// TestAdminOrderRoutesRefuseWithoutTheKey: every order and payment admin route refuses customer
// tokens, wrong keys and no key with 401, before touching anything.
func TestAdminOrderRoutesRefuseWithoutTheKey(t *testing.T) {
	f := newOwnFixture(t, false)
	s := f.s
	o, err := s.svc.Orders.Get(context.Background(), f.order)
	require.NoError(t, err)
	require.Len(t, o.PaymentIDs, 1)
	pay, ord := o.PaymentIDs[0].String(), o.ID.String()

	routes := [][2]string{
		{http.MethodGet, "/admin/orders"},
		{http.MethodGet, "/admin/orders/" + ord},
		{http.MethodPost, "/admin/orders/" + ord + "/transitions"},
		{http.MethodGet, "/admin/orders/" + ord + "/payments"},
		{http.MethodGet, "/admin/payments/" + pay},
		{http.MethodGet, "/admin/payments/" + pay + "/refunds"},
		{http.MethodPost, "/admin/payments/" + pay + "/refunds"},
		{http.MethodPost, "/admin/orders/" + ord + "/ship"},
	}
	for _, verb := range []string{"process", "pack", "in-transit", "out-for-delivery", "deliver", "cancel", "request-return", "approve-return", "refund"} {
		routes = append(routes, [2]string{http.MethodPost, "/admin/orders/" + ord + "/" + verb})
	}
	bodies := map[string]any{
		"/transitions": map[string]string{"to": "cancelled"},
		"/refunds":     map[string]any{"amount": map[string]any{"amount": 100, "currency": "USD"}},
	}
	before := f.snapshot(t)
	for _, rt := range routes {
		var body any
		if rt[0] == http.MethodPost {
			for suffix, b := range bodies {
				if strings.HasSuffix(rt[1], suffix) {
					body = b
				}
			}
		}
		for name, token := range map[string]string{"no key": "", "customer token": f.aToken, "wrong key": adminKey + "x"} {
			r := s.do(rt[0], rt[1], token, body, "Idempotency-Key", "admin-auth")
			assert.Equal(t, http.StatusUnauthorized, r.status, "%s %s with %s: %s", rt[0], rt[1], name, r.body)
			assert.Equal(t, "unauthenticated", r.errorCode(t))
		}
	}
	assert.Equal(t, before, f.snapshot(t), "nothing was changed")

	// The admin key is let through.
	r := s.admin(http.MethodGet, "/admin/orders/"+ord, nil)
	assert.Equal(t, http.StatusOK, r.status, "%s", r.body)
}
