package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
)

// stock reads a SKU's stock through the admin API.
func (s *shop) stock(sku string) httpapi.SKUStock {
	s.t.Helper()
	r := s.admin(http.MethodGet, "/admin/inventory/"+url.PathEscape(sku), nil)
	require.Equal(s.t, http.StatusOK, r.status, "%s", r.body)
	var st httpapi.SKUStock
	r.json(s.t, &st)
	return st
}

func TestAdminInventory(t *testing.T) {
	s := newShop(t)
	s.product(activeProduct("Desk Lamp", 2900, "LAMP-1", "LAMP-2"))

	// A catalog SKU without stock has none; an unknown one is 404.
	st := s.stock("LAMP-2")
	assert.Equal(t, httpapi.SKUStock{SKU: "LAMP-2", Locations: []httpapi.LocationStock{}}, st)
	assertError(t, s.admin(http.MethodGet, "/admin/inventory/NOPE-1", nil), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodGet, "/admin/inventory/NOPE-1/movements", nil), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodGet, "/admin/inventory/%20LAMP-1", nil), http.StatusNotFound, "not_found", "")

	r := s.admin(http.MethodPut, "/admin/inventory/LAMP-1", map[string]any{"quantity": 10})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r.json(t, &st)
	assert.Equal(t, 10, st.OnHand)
	assert.Equal(t, 10, st.Available)
	require.Len(t, st.Locations, 1)
	assert.Equal(t, inventory.DefaultLocation, st.Locations[0].Location)

	r = s.admin(http.MethodPut, "/admin/inventory/LAMP-1", map[string]any{"quantity": 5, "location": "warehouse-2", "reason": "count"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = s.admin(http.MethodPost, "/admin/inventory/LAMP-1/adjust", map[string]any{"delta": 3, "reason": "delivery"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r.json(t, &st)
	assert.Equal(t, 18, st.OnHand)
	assert.Len(t, st.Locations, 2)

	// Reserved units show up, and are not available.
	_, err := s.svc.Inventory.Reserve(context.Background(), commerce.NewID[commerce.ReservationID](), []inventory.Line{{SKU: "LAMP-1", Quantity: 12}}, 0)
	require.NoError(t, err)
	st = s.stock("LAMP-1")
	assert.Equal(t, 18, st.OnHand)
	assert.Equal(t, 12, st.Reserved)
	assert.Equal(t, 6, st.Available)
	sum := 0
	for _, l := range st.Locations {
		assert.Equal(t, l.OnHand-l.Reserved, l.Available)
		sum += l.Reserved
	}
	assert.Equal(t, 12, sum)

	// Below what is reserved, or below zero, is refused.
	assertError(t, s.admin(http.MethodPut, "/admin/inventory/LAMP-1", map[string]any{"quantity": 0}), http.StatusConflict, "failed_precondition", "")
	assertError(t, s.admin(http.MethodPost, "/admin/inventory/LAMP-1/adjust", map[string]any{"delta": -100, "reason": "breakage"}), http.StatusConflict, "failed_precondition", "")
	assert.Equal(t, 18, s.stock("LAMP-1").OnHand)

	// Bad bodies.
	for _, tc := range []struct {
		name, method, path string
		body               any
		field              string
	}{
		{"no quantity", http.MethodPut, "/admin/inventory/LAMP-2", map[string]any{"location": "x"}, "quantity"},
		{"negative quantity", http.MethodPut, "/admin/inventory/LAMP-2", map[string]any{"quantity": -1}, "quantity"},
		{"huge quantity", http.MethodPut, "/admin/inventory/LAMP-2", map[string]any{"quantity": 2_000_000_000}, "quantity"},
		{"quantity as text", http.MethodPut, "/admin/inventory/LAMP-2", `{"quantity":"ten"}`, "quantity"},
		{"fractional quantity", http.MethodPut, "/admin/inventory/LAMP-2", `{"quantity":1.5}`, "quantity"},
		{"unknown field", http.MethodPut, "/admin/inventory/LAMP-2", map[string]any{"quantity": 1, "qty": 1}, "qty"},
		{"bad location", http.MethodPut, "/admin/inventory/LAMP-2", map[string]any{"quantity": 1, "location": " x"}, "location"},
		{"bad sku", http.MethodPut, "/admin/inventory/%20LAMP", map[string]any{"quantity": 1}, "sku"},
		{"no body", http.MethodPut, "/admin/inventory/LAMP-2", "", ""},
		{"zero delta", http.MethodPost, "/admin/inventory/LAMP-2/adjust", map[string]any{"delta": 0, "reason": "x"}, "delta"},
		{"no delta", http.MethodPost, "/admin/inventory/LAMP-2/adjust", map[string]any{"reason": "x"}, "delta"},
		{"no reason", http.MethodPost, "/admin/inventory/LAMP-2/adjust", map[string]any{"delta": 1}, "reason"},
		{"delta as text", http.MethodPost, "/admin/inventory/LAMP-2/adjust", `{"delta":"1","reason":"x"}`, "delta"},
		{"adjust unknown field", http.MethodPost, "/admin/inventory/LAMP-2/adjust", map[string]any{"delta": 1, "reason": "x", "note": "y"}, "note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertError(t, s.admin(tc.method, tc.path, tc.body), http.StatusBadRequest, "invalid_argument", tc.field)
		})
	}
	assert.Equal(t, httpapi.SKUStock{SKU: "LAMP-2", Locations: []httpapi.LocationStock{}}, s.stock("LAMP-2"), "no bad request changed anything")

	// The ledger: two sets, an adjustment and a reservation.
	type move = inventory.Movement
	var moves []move
	cursor := ""
	for {
		r := s.admin(http.MethodGet, "/admin/inventory/LAMP-1/movements?limit=1&cursor="+url.QueryEscape(cursor), nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var page httpapi.List[move]
		r.json(t, &page)
		require.LessOrEqual(t, len(page.Items), 1)
		moves = append(moves, page.Items...)
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	require.Len(t, moves, 4)
	assert.Equal(t, inventory.MovementAdjust, moves[0].Kind)
	assert.Equal(t, 10, moves[0].OnHandDelta)
	assert.Equal(t, "stock set through the admin API", moves[0].Reason)
	assert.Equal(t, "count", moves[1].Reason)
	assert.Equal(t, "warehouse-2", moves[1].Location)
	assert.Equal(t, "delivery", moves[2].Reason)
	assert.Equal(t, inventory.MovementReserve, moves[3].Kind)
	assertError(t, s.admin(http.MethodGet, "/admin/inventory/LAMP-1/movements?cursor=bogus", nil), http.StatusBadRequest, "invalid_argument", "cursor")
	assertError(t, s.admin(http.MethodGet, "/admin/inventory/LAMP-1/movements?limit=many", nil), http.StatusBadRequest, "invalid_argument", "limit")
	r = s.admin(http.MethodGet, "/admin/inventory/LAMP-2/movements", nil)
	require.Equal(t, http.StatusOK, r.status, "a catalog SKU without stock has an empty ledger: %s", r.body)
	assert.JSONEq(t, `{"items":[]}`, string(r.body))

	// Stock may be loaded before the catalog knows the SKU.
	r = s.admin(http.MethodPut, "/admin/inventory/FUTURE-1", map[string]any{"quantity": 7})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, 7, s.stock("FUTURE-1").Available)
}

// TestUntrackedStock: with inventory.Options.Untracked, a SKU without a
// level reads as untracked in the admin API and in stock in search; one
// whose stock was set to 0 is tracked, and out of stock.
func TestUntrackedStock(t *testing.T) {
	s := &searchShop{shop: newShop(t, func(c *shopConfig) {
		c.inventory = func(o *inventory.Options) { o.Untracked = true }
	})}
	poster := s.product(activeProduct("Poster", 950, "POSTER-A2"))
	frame := s.product(activeProduct("Frame", 1900, "FRAME-A2"))
	r := s.admin(http.MethodPut, "/admin/inventory/FRAME-A2", map[string]any{"quantity": 0, "reason": "no longer sold"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var st httpapi.SKUStock
	r.json(t, &st)
	assert.False(t, st.Untracked, "a level tracks the SKU")

	assert.Equal(t, httpapi.SKUStock{SKU: "POSTER-A2", Untracked: true, Locations: []httpapi.LocationStock{}}, s.stock("POSTER-A2"))
	st = s.stock("FRAME-A2")
	assert.False(t, st.Untracked)
	assert.Zero(t, st.Available)
	assert.Len(t, st.Locations, 1)

	s.reindex()
	assert.Equal(t, ids(poster), hitIDs(s.search(t, "in_stock=true")))
	assert.ElementsMatch(t, ids(poster, frame), hitIDs(s.search(t, "")))
}
