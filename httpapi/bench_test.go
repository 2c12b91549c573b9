package httpapi_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mercatohq/mercato/httpapi"
)

// serve sends one JSON request straight to the API's handler and fails b
// unless it answers want.
func (s *shop) serve(b *testing.B, method, path string, body []byte, want int, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://shop.test"+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	s.api.ServeHTTP(w, req)
	if w.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
	}
	return w
}

// BenchmarkAPI measures the API's handlers on memory stores, without the
// network: what one request costs the server.
func BenchmarkAPI(b *testing.B) {
	s := newShop(b)
	const skus = 20
	for i := range skus {
		s.sellable(fmt.Sprintf("SKU-%02d", i), 1000+int64(i), 1_000_000_000)
	}
	s.reindex()
	newCart := func() (id, token string) {
		var c httpapi.CartResponse
		s.do(http.MethodPost, "/store/carts", "", nil).json(b, &c)
		return c.ID.String(), c.CartToken
	}
	checkoutBody := []byte(`{"email":"bench@example.com","payment_method":"pm_card_visa",` +
		`"shipping_address":{"name":"Ada Lovelace","line1":"12 St James's Square","city":"London","postal_code":"SW1Y 4JH","country":"GB"}}`)

	b.Run("add to cart", func(b *testing.B) {
		cart, token := newCart()
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if i++; i%5 == 0 { // a cart of a few lines, as shoppers keep
				b.StopTimer()
				cart, token = newCart()
				b.StartTimer()
			}
			s.serve(b, http.MethodPost, "/store/carts/"+cart+"/items", []byte(fmt.Sprintf(`{"sku":"SKU-%02d","quantity":1}`, i%skus)), http.StatusOK, httpapi.CartTokenHeader, token)
		}
	})
	b.Run("checkout", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			b.StopTimer()
			cart, token := newCart()
			s.serve(b, http.MethodPost, "/store/carts/"+cart+"/items", []byte(fmt.Sprintf(`{"sku":"SKU-%02d","quantity":1}`, i%skus)), http.StatusOK, httpapi.CartTokenHeader, token)
			i++
			b.StartTimer()
			s.serve(b, http.MethodPost, "/store/carts/"+cart+"/checkout", checkoutBody, http.StatusCreated, "Idempotency-Key", "bench-"+cart, httpapi.CartTokenHeader, token)
		}
	})
	b.Run("search", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.serve(b, http.MethodGet, "/store/search?q=product&currency=USD&facets=brand,category,price", nil, http.StatusOK)
		}
	})
}
