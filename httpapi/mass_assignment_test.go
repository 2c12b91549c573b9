package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMassAssignmentRefused: a field the client may not set (an owner, a
// price, a hash, a status) is refused as an unknown field on every store
// route that takes a body, and changes nothing.
func TestMassAssignmentRefused(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	ada, token := s.customer("ada@example.com")
	c := s.newCart("")
	cases := []struct {
		name, method, path, token string
		body                      map[string]any
		field                     string
	}{
		{"cart owner", http.MethodPost, "/store/carts", "", map[string]any{"currency": "USD", "customer_id": ada.ID.String()}, "customer_id"},
		{"line price", http.MethodPost, "/store/carts/" + c.ID.String() + "/items", "", map[string]any{"sku": "MUG-1", "quantity": 1, "unit_price": map[string]any{"amount": 1, "currency": "USD"}}, "unit_price"},
		{"customer email", http.MethodPatch, "/store/customers/me", token, map[string]any{"email": "mallory@example.com"}, "email"},
		{"customer password hash", http.MethodPatch, "/store/customers/me", token, map[string]any{"password_hash": "$argon2id$..."}, "password_hash"},
		{"customer guest flag", http.MethodPatch, "/store/customers/me", token, map[string]any{"guest": true}, "guest"},
		{"checkout buyer", http.MethodPost, "/store/carts/" + c.ID.String() + "/checkout", "", map[string]any{
			"email": "a@example.com", "payment_method": "pm_card_visa", "customer_id": ada.ID.String(),
			"shipping_address": checkoutBody("a@example.com", "pm_card_visa")["shipping_address"],
		}, "customer_id"},
		{"checkout total", http.MethodPost, "/store/carts/" + c.ID.String() + "/checkout", "", map[string]any{
			"email": "a@example.com", "payment_method": "pm_card_visa", "total": map[string]any{"amount": 1, "currency": "USD"},
			"shipping_address": checkoutBody("a@example.com", "pm_card_visa")["shipping_address"],
		}, "total"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(tc.method, tc.path, tc.token, tc.body, "Idempotency-Key", "mass-"+tc.field)
			require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
			e := errorBody(t, r)
			assert.Equal(t, tc.field, e.Details["field"], "%s", r.body)
			assert.Contains(t, e.Message, "unknown field")
		})
	}
	me := s.do(http.MethodGet, "/store/customers/me", token, nil)
	assert.Contains(t, string(me.body), `"email":"ada@example.com"`, "nothing changed")
	assert.Equal(t, 0, s.provider.Calls("authorize"))
}
