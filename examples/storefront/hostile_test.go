package main

import (
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// hostileText is what a field, query parameter, path segment or cookie is
// set to by TestWebPagesNeverAnswer5xxToHostileInput.
var hostileText = []string{
	"", " ", "-1", "0", "1.5", "1e999", "99999999999999999999", "abc", "ü", "\x00", "<script>", "%",
	"cart_00000000000000000000000000", "ord_", strings.Repeat("z", 3000),
}

// TestWebPagesNeverAnswer5xxToHostileInput posts and gets every page with
// each form field or query parameter it reads, path value and cookie set
// to values no browser of the shop would send: every answer is below 500
// and nothing is logged as a failure.
func TestWebPagesNeverAnswer5xxToHostileInput(t *testing.T) {
	ts := startShop(t, Config{})
	_, v := ts.stockedVariant(t, 1)
	admin := "Bearer " + ts.cfg.AdminKey
	// Straight through the shop's handler: a panic fails the test rather
	// than being recovered by the server, and no socket slows the sweep.
	// Every request is from a browser that has seen the shop's pages: its
	// forms carry the CSRF token, unless the test sets the CSRF cookie to
	// something hostile itself.
	nonce := newNonce()
	token := base64.RawURLEncoding.EncodeToString(ts.web.cookies.mac(csrfCookie, nonce))
	send := func(method, path string, form url.Values, cookie *http.Cookie) {
		t.Helper()
		var body io.Reader
		if form != nil {
			if !form.Has(csrfField) {
				form.Set(csrfField, token)
			}
			body = strings.NewReader(form.Encode())
		}
		req := httptest.NewRequest(method, ts.url+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if strings.HasPrefix(path, "/admin") {
			req.Header.Set("Authorization", admin)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		if cookie == nil || cookie.Name != csrfCookie {
			req.AddCookie(&http.Cookie{Name: csrfCookie, Value: nonce})
		}
		w := httptest.NewRecorder()
		ts.handler.ServeHTTP(w, req)
		assert.Less(t, w.Code, 500, "%s %s %v", method, path, form)
	}

	var order struct {
		ID commerce.OrderID `json:"id"`
	}
	require.Equal(t, http.StatusCreated, ts.apiCheckout(t, ts.apiCart(t, v.SKU), "hostile-1", "hostile@example.com", &order))
	browse := []string{"q", "category", "brand", "min", "max", "rating", "instock", "sort", "cursor"}
	address := []string{"email", "name", "line1", "line2", "city", "region", "postal_code", "country", "payment_method", "key", "gift_card"}
	// Each page with the form fields or query parameters it reads.
	pages := []struct {
		method, path string
		fields       []string
	}{
		{http.MethodGet, "/", browse}, {http.MethodGet, "/search", browse}, {http.MethodGet, "/products/{}", nil},
		{http.MethodGet, "/cart", nil}, {http.MethodPost, "/cart/items", []string{"sku", "quantity"}},
		{http.MethodPost, "/cart/lines/{}/quantity", []string{"quantity"}}, {http.MethodPost, "/cart/lines/{}/remove", nil},
		{http.MethodPost, "/cart/codes", []string{"code"}}, {http.MethodPost, "/cart/codes/{}/remove", nil},
		{http.MethodGet, "/checkout", nil}, {http.MethodPost, "/checkout", address},
		{http.MethodGet, "/orders/{}", []string{"placed"}}, {http.MethodGet, "/account/orders", nil},
		{http.MethodGet, "/account/reset-password", []string{"token"}}, {http.MethodPost, "/account/reset-password", []string{"token", "password", "confirm", "csrf"}},
		{http.MethodGet, "/admin/orders/{}", nil},
		{http.MethodGet, "/admin/login", []string{"next"}}, {http.MethodPost, "/admin/login", []string{"key", "next"}},
		{http.MethodGet, "/admin", []string{"status", "cursor", "moved", "to", "key"}},
		{http.MethodGet, "/images/products/{}", nil},
		{http.MethodPost, "/admin/orders/{}/transition", []string{"to", "reason", "carrier", "tracking", "back"}},
		{http.MethodGet, "/admin/stock", []string{"q", "set", "cursor"}},
		{http.MethodPost, "/admin/stock", []string{"sku", "on_hand", "back"}},
	}
	for _, p := range pages {
		real := strings.ReplaceAll(p.path, "{}", order.ID.String())
		for _, value := range hostileText {
			if strings.Contains(p.path, "{}") {
				send(p.method, strings.ReplaceAll(p.path, "{}", url.PathEscape(value)), url.Values{}, nil)
			}
			for _, field := range p.fields {
				if p.method == http.MethodGet {
					send(p.method, real+"?"+url.Values{field: {value}}.Encode(), nil, nil)
				} else {
					send(p.method, real, url.Values{field: {value}, "sku": {v.SKU}}, nil)
				}
			}
			for _, name := range []string{cartCookie, ordersCookie, adminCookie, csrfCookie} {
				send(p.method, real, url.Values{}, &http.Cookie{Name: name, Value: url.QueryEscape(value)})
			}
		}
	}
	assert.Empty(t, ts.logs.atLevel(slog.LevelError), "nothing a client sent is logged as a failure")
}
