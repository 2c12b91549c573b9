package gateway_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/ratelimit"
)

func TestDefaultRoutesSendEachPathToItsService(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls})
	for path, want := range map[string]string{
		"/store/auth/login":                        gateway.ServiceUser,
		"/store/customers":                         gateway.ServiceUser,
		"/store/customers/me":                      gateway.ServiceUser,
		"/store/customers/me/recommendations":      gateway.ServiceProduct,
		"/store/products":                          gateway.ServiceProduct,
		"/store/products/prod_1/reviews":           gateway.ServiceProduct,
		"/store/search/suggest":                    gateway.ServiceProduct,
		"/store/carts":                             gateway.ServiceCart,
		"/store/carts/cart_1/items":                gateway.ServiceCart,
		"/store/carts/cart_1/checkout":             gateway.ServiceOrder,
		"/store/orders/ord_1/cancel":               gateway.ServiceOrder,
		"/admin/orders/ord_1/ship":                 gateway.ServiceOrder,
		"/admin/orders/ord_1/payments":             gateway.ServicePayment,
		"/admin/payments/pay_1/refunds":            gateway.ServicePayment,
		"/webhooks/stripe":                         gateway.ServicePayment,
		"/admin/inventory/SKU-1/adjust":            gateway.ServiceInventory,
		"/admin/products/import":                   gateway.ServiceProduct,
		"/admin/promotion-codes/SUMMER/deactivate": gateway.ServiceProduct,
		"/admin/gift-cards/balance":                gateway.ServiceOrder,
	} {
		e := echoOf(t, get(t, g, path))
		if e.Service != want || e.Path != path {
			t.Errorf("%s went to %s as %s, want %s", path, e.Service, e.Path, want)
		}
	}
}

func TestUnknownRouteIs404(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls})
	for _, path := range []string{"/", "/store", "/store/cartsx", "/internal/rpc", "/openapi.json"} {
		errorOf(t, get(t, g, path), http.StatusNotFound, commerce.CodeNotFound)
	}
}

func TestNonCanonicalPathIs400(t *testing.T) {
	bs, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls})
	for _, path := range []string{"/store/carts/../../admin/orders", "/store//carts", "/store/carts/./x", "/store/carts/%2e%2e/x"} {
		errorOf(t, get(t, g, path), http.StatusBadRequest, commerce.CodeInvalidArgument)
	}
	if n := bs[gateway.ServiceCart].hits.Load(); n != 0 {
		t.Fatalf("the cart service got %d requests", n)
	}
}

func TestRoutingDecodesEachSegmentAndForwardsOneSpelling(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls})
	for path, want := range map[string]struct{ service, escaped string }{
		// Escaped letters route as the letters, in either case of hex.
		"/store/%63arts/cart_1/%63heckout": {gateway.ServiceOrder, "/store/carts/cart_1/checkout"},
		"/store/carts/cart_1/%63HECKOUT":   {gateway.ServiceCart, "/store/carts/cart_1/cHECKOUT"},
		"/%73tore/auth/%6Cogin":            {gateway.ServiceUser, "/store/auth/login"},
		"/store/auth/%6cogin":              {gateway.ServiceUser, "/store/auth/login"},
		"/store/products/%70rod%5F1":       {gateway.ServiceProduct, "/store/products/prod_1"},
		// An escaped slash stays inside its segment: one segment for
		// the "*" of the checkout route, forwarded still escaped.
		"/store/carts/a%2Fb/checkout": {gateway.ServiceOrder, "/store/carts/a%2Fb/checkout"},
		"/store/carts/a%2fb":          {gateway.ServiceCart, "/store/carts/a%2Fb"},
		// A trailing slash is kept for the service.
		"/store/carts/": {gateway.ServiceCart, "/store/carts/"},
	} {
		e := echoOf(t, get(t, g, path))
		if e.Service != want.service || e.Escaped != want.escaped {
			t.Errorf("%s went to %s as %s, want %s as %s", path, e.Service, e.Escaped, want.service, want.escaped)
		}
	}
}

func TestEscapedSlashNeverReachesAnotherRoute(t *testing.T) {
	bs, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls})
	// An escaped slash does not split a segment, so these match no route
	// rather than the one their decoded spelling names.
	for _, path := range []string{"/store%2Fcarts", "/store/auth%2Flogin", "/store/carts%2Fc1%2Fcheckout", "/admin%2Finventory/SKU-1"} {
		errorOf(t, get(t, g, path), http.StatusNotFound, commerce.CodeNotFound)
	}
	// Nor can escaped slashes smuggle a dot segment or an empty one,
	// which a service's router would resolve to another path.
	for _, path := range []string{"/store/carts/x%2F..%2F..%2Fadmin/orders", "/store/carts/a%2F%2Fb", "/store/carts/%2Fa", "/store/carts/%2E%2E/admin", "/store/carts/%2e", "/store/carts/.%2e/x"} {
		errorOf(t, get(t, g, path), http.StatusBadRequest, commerce.CodeInvalidArgument)
	}
	for name, b := range bs {
		if n := b.hits.Load(); n != 0 {
			t.Errorf("the %s service got %d requests", name, n)
		}
	}
}

// TestMalformedEscapeIs400 sends paths with malformed percent-escapes
// over a connection, as no client library would: they are 400, and no
// service sees them.
func TestMalformedEscapeIs400(t *testing.T) {
	bs, urls := services(t)
	srv := httptest.NewServer(newGateway(t, gateway.Config{Services: urls}))
	t.Cleanup(srv.Close)
	for _, path := range []string{"/store/auth/%zzogin", "/store/auth/login%", "/store/auth/login%6", "/store/%G1/x"} {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(commercetest.AwaitTimeout(t)))
		if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", path); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		_ = resp.Body.Close()
		_ = conn.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", path, resp.StatusCode)
		}
	}
	for name, b := range bs {
		if n := b.hits.Load(); n != 0 {
			t.Errorf("the %s service got %d requests", name, n)
		}
	}
}

func TestGatewayAnswersItsOwnHealthPath(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls})
	if rec := get(t, g, gateway.DefaultHealthPath); rec.Code != http.StatusOK {
		t.Fatalf("health: %d", rec.Code)
	}
}

func TestNewRefusesABadConfig(t *testing.T) {
	_, urls := services(t)
	for name, cfg := range map[string]gateway.Config{
		"route to a service without instances": {Services: map[string][]string{gateway.ServiceCart: urls[gateway.ServiceCart]}},
		"relative instance URL":                {Services: map[string][]string{"cart": {"cart:3003"}}, Routes: []gateway.Route{{Prefix: "/store/carts", Service: "cart"}}},
		"duplicate prefix":                     {Services: urls, Routes: []gateway.Route{{Prefix: "/a", Service: "cart"}, {Prefix: "/a/", Service: "order"}}},
		"duplicate prefix, escaped":            {Services: urls, Routes: []gateway.Route{{Prefix: "/a", Service: "cart"}, {Prefix: "/%61", Service: "order"}}},
		"malformed escape in a prefix":         {Services: urls, Routes: []gateway.Route{{Prefix: "/a%zz", Service: "cart"}}},
		"escaped dot segment":                  {Services: urls, Routes: []gateway.Route{{Prefix: "/a/%2e%2E/b", Service: "cart"}}},
		"dot segment":                          {Services: urls, Routes: []gateway.Route{{Prefix: "/a/../b", Service: "cart"}}},
		"bad sensitive route":                  {Services: urls, SensitiveRoutes: []string{"/store/auth/login"}},
		"sensitive route with a dot segment":   {Services: urls, SensitiveRoutes: []string{"POST /store/auth/../login"}},
		"limit faster than a nanosecond":       {Services: urls, ClientLimit: ratelimit.Limit{Rate: 1 << 30, Burst: 1, Period: time.Second}},
	} {
		if _, err := gateway.New(cfg); commerce.Code(err) != commerce.CodeInvalidArgument {
			t.Errorf("%s: New = %v, want InvalidArgument", name, err)
		}
	}
}

func TestRequestIDIsKeptWhenSaneAndForwarded(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls})

	rec := do(t, g, http.MethodGet, "/store/products", nil, http.Header{gateway.RequestIDHeader: {"trace-42"}}, "")
	if e := echoOf(t, rec); e.RequestID != "trace-42" {
		t.Fatalf("service saw request ID %q", e.RequestID)
	}
	if got := rec.Header().Values(gateway.RequestIDHeader); len(got) != 1 || got[0] != "trace-42" {
		t.Fatalf("answer's request IDs %q", got)
	}

	rec = do(t, g, http.MethodGet, "/store/products", nil, http.Header{gateway.RequestIDHeader: {"bad id\r\nX: y"}}, "")
	e := echoOf(t, rec)
	if e.RequestID == "" || e.RequestID == "bad id\r\nX: y" || e.RequestID != rec.Header().Get(gateway.RequestIDHeader) {
		t.Fatalf("an insane request ID became %q (answered %q)", e.RequestID, rec.Header().Get(gateway.RequestIDHeader))
	}
}
