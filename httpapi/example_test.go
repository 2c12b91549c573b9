package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// The API over memory stores, mounted under /api.
func ExampleNew() {
	var svc httpapi.Services
	svc.Catalog, _ = catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	svc.Customers, _ = customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	svc.Carts, _ = cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), svc.Catalog, nil)
	svc.Inventory, _ = inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	svc.Payments, _ = payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fakeprovider.New(nil), nil)
	svc.Orders, _ = order.NewService(memory.NewOrderStore(&memory.Options{Events: commerce.DiscardEvents{}}), svc.Carts, svc.Inventory, svc.Payments, nil)
	api, err := httpapi.New(svc, &httpapi.Options{AdminKey: "change-me"})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", http.StripPrefix("/api", api))

	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/store/customers/me", nil)
	req.Header.Set(httpapi.RequestIDHeader, "req-1") // or the API makes one
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get(httpapi.RequestIDHeader), rec.Body.String())
	// Output:
	// 401 req-1 {"error":{"code":"unauthenticated","message":"sign in first: this route needs a customer session token","request_id":"req-1"}}
}

// A cart-only API, as the cart service of a shop split into processes
// runs it: the other services' routes are not there, and customer tokens
// are verified by the user service (here in process; in a real split, a
// client of it).
func ExampleNew_cartOnly() {
	users, _ := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	products, _ := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	carts, _ := cart.NewService(memory.NewCartStore(&memory.Options{Events: commerce.DiscardEvents{}}), products, nil)

	api, err := httpapi.New(httpapi.Services{Carts: carts}, &httpapi.Options{Authenticator: users})
	if err != nil {
		panic(err)
	}
	fmt.Println(api.Services())
	for _, path := range []string{"/store/carts", "/store/auth/login", "/store/carts/cart_01J0000000000000000000000/checkout"} {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, nil))
		fmt.Println(path, rec.Code)
	}
	// Output:
	// [cart]
	// /store/carts 201
	// /store/auth/login 404
	// /store/carts/cart_01J0000000000000000000000/checkout 404
}
