package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/ratelimit"
)

// TestHostileInputNeverGets5xx sends malformed requests of every kind
// through the gateway, with the payment service down: the gateway answers
// 4xx, or 503 and 504 for the service that is down, never another 5xx,
// and always within the request's deadline.
func TestHostileInputNeverGets5xx(t *testing.T) {
	_, urls := services(t)
	urls[gateway.ServicePayment] = []string{"http://" + testenv.ClosedAddr(t)}
	g := newGateway(t, gateway.Config{
		Services: urls, Authenticator: tokens{"good": claims()}, MaxBodyBytes: 512,
		ClientLimit: ratelimit.PerPeriod(1_000_000, time.Second),
	})

	paths := []string{
		"/", "//", "/store/carts/..", "/store/carts/%2e%2e/%2e%2e/admin", "/store/carts/%00", "/store/carts/%ff%fe",
		"/store/carts/" + strings.Repeat("a", 8192), "/store/products?limit=-1&cursor=%zz", "/store\\carts", "/admin/payments/pay_1",
		"/webhooks/stripe", "/store/carts/x/checkout/../../../", "/.env", "/store/customers/me/recommendations/../../../admin",
		"/store/search?q=" + strings.Repeat("%", 100), "/store/carts/*/checkout", "/STORE/CARTS",
	}
	headers := []http.Header{
		nil,
		{"Authorization": {"Bearer"}},
		{"Authorization": {"Bearer " + strings.Repeat("x", 10000)}},
		{"Authorization": {"bearer good"}},
		{"Authorization": {"Bearer good", "Bearer evil"}},
		{"Authorization": {"Basic Og=="}},
		{gateway.CustomerHeader: {"cus_forged"}, gateway.RequestIDHeader: {"\x00\r\n"}},
		{"X-Forwarded-For": {"not an address, ::::, 999.1.1.1"}},
		{"Content-Type": {"application/json; charset=\x00"}, "Connection": {"X-Request-Id, X-Mercato-Customer-Id"}},
		{"Origin": {"null"}, "Access-Control-Request-Method": {"DELETE"}},
	}
	bodies := []func() *bytes.Reader{
		func() *bytes.Reader { return nil },
		func() *bytes.Reader { return bytes.NewReader([]byte("{")) },
		func() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0xff}, 4096)) },
	}
	methods := []string{http.MethodGet, http.MethodPost, http.MethodOptions, "BREW", http.MethodDelete}
	for _, p := range paths {
		for _, h := range headers {
			for _, m := range methods {
				for bi, body := range bodies {
					status := hostileRequest(t, g, m, p, h, body())
					if status >= 500 && status != http.StatusServiceUnavailable && status != http.StatusGatewayTimeout {
						t.Errorf("%s %q headers %v body %d: %d", m, p, h, bi, status)
					}
				}
			}
		}
	}
}

// hostileRequest serves one raw request, built field by field so that
// targets no client library would send still arrive.
func hostileRequest(t *testing.T, h http.Handler, method, target string, header http.Header, body *bytes.Reader) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: target}
	}
	req := (&http.Request{Method: method, URL: u, RequestURI: target, Header: http.Header{}, Host: "shop.example", RemoteAddr: "192.0.2.1:1", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Body: http.NoBody}).WithContext(ctx)
	for k, vs := range header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Body, req.ContentLength = readCloser{body}, int64(body.Len())
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }
