package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/mercatohq/mercato/commerce"
)

// TestMalformedPathIDBeforeBody checks that a route with a body answers
// a malformed ID in its path with 404 before it reads the body: what
// cannot exist is not found, whatever the body holds.
func TestMalformedPathIDBeforeBody(t *testing.T) {
	s := newShop(t)
	product := commerce.NewID[commerce.ProductID]().String()
	cart := commerce.NewID[commerce.CartID]().String()
	const broken = `{"reason":`
	for _, tc := range []struct {
		method, path, token string
	}{
		{http.MethodPatch, "/admin/products/nope", adminKey},
		{http.MethodPost, "/admin/products/nope/variants", adminKey},
		{http.MethodPut, "/admin/products/nope/variants/" + commerce.NewID[commerce.VariantID]().String(), adminKey},
		{http.MethodPut, "/admin/products/" + product + "/variants/nope", adminKey},
		{http.MethodPost, "/admin/orders/nope/transitions", adminKey},
		{http.MethodPost, "/admin/orders/nope/ship", adminKey},
		{http.MethodPost, "/admin/orders/nope/cancel", adminKey},
		{http.MethodPatch, "/store/carts/" + cart + "/items/nope", ""},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			assertError(t, s.do(tc.method, tc.path, tc.token, broken), http.StatusNotFound, "not_found", "")
		})
	}
}
