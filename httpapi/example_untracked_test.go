package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// hostPrices is a host's own catalog, pricing every SKU at 9.50.
type hostPrices struct{}

func (hostPrices) PriceSKUs(_ context.Context, c commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	out := map[string]catalog.SKUPrice{}
	for _, sku := range skus {
		out[sku] = catalog.SKUPrice{SKU: sku, Title: sku, Price: commerce.MustMoney(950, c), Purchasable: true}
	}
	return out, nil
}

// A cart and checkout API for a host with its own catalog and its own
// stock: the inventory runs with Untracked, so a guest checks out SKUs
// that were never stocked in Mercato.
func ExampleNew_untrackedStock() {
	events := commerce.DiscardEvents{}
	carts, _ := cart.NewService(memory.NewCartStore(&memory.Options{Events: events}), hostPrices{}, nil)
	stock, _ := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: events}), &inventory.Options{Untracked: true})
	payments, _ := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: events}), fakeprovider.New(nil), nil)
	orders, _ := order.NewService(memory.NewOrderStore(&memory.Options{Events: events}), carts, stock, payments, nil)
	api, err := httpapi.New(httpapi.Services{Carts: carts, Orders: orders}, nil)
	if err != nil {
		panic(err)
	}
	do := func(method, path, token, body string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(httpapi.CartTokenHeader, token)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, req)
		return rec
	}

	created := do(http.MethodPost, "/store/carts", "", `{"currency":"EUR"}`)
	var c httpapi.CartResponse
	_ = json.Unmarshal(created.Body.Bytes(), &c)
	token := created.Header().Get(httpapi.CartTokenHeader)
	added := do(http.MethodPost, "/store/carts/"+c.ID.String()+"/items", token, `{"sku":"POSTER-A2","quantity":2}`)
	fmt.Println("add", added.Code)

	placed := do(http.MethodPost, "/store/carts/"+c.ID.String()+"/checkout", token, `{
		"email": "ada@example.com", "payment_method": "pm_card_visa",
		"shipping_address": {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "country": "GB"}
	}`, "Idempotency-Key", "checkout-1")
	var o httpapi.CheckoutResponse
	_ = json.Unmarshal(placed.Body.Bytes(), &o)
	fmt.Println("checkout", placed.Code, o.Status, o.Totals.Total)
	// Output:
	// add 200
	// checkout 201 confirmed 19.00 EUR
}
