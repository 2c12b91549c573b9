package gateway_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/cors"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/gateway"
	"github.com/mercatohq/mercato/ratelimit"
)

func TestOversizedBodyIs413(t *testing.T) {
	bs, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls, MaxBodyBytes: 1024})

	// Announced by Content-Length: refused before the service sees it.
	rec := do(t, g, http.MethodPost, "/store/carts", strings.NewReader(strings.Repeat("x", 1025)), nil, "")
	if d := errorOf(t, rec, http.StatusRequestEntityTooLarge, commerce.CodeInvalidArgument); d["limit_bytes"] != float64(1024) {
		t.Fatalf("details %v", d)
	}
	if n := bs[gateway.ServiceCart].hits.Load(); n != 0 {
		t.Fatalf("the service got %d requests", n)
	}

	// Streamed without a length: cut off at the limit.
	rec = do(t, g, http.MethodPost, "/store/carts", io.MultiReader(strings.NewReader(strings.Repeat("x", 4096))), nil, "")
	errorOf(t, rec, http.StatusRequestEntityTooLarge, commerce.CodeInvalidArgument)

	// A body of exactly the limit passes, streamed or not.
	if e := echoOf(t, do(t, g, http.MethodPost, "/store/carts", strings.NewReader(strings.Repeat("x", 1024)), nil, "")); e.BodyLen != 1024 {
		t.Fatalf("service read %d bytes", e.BodyLen)
	}
	if e := echoOf(t, do(t, g, http.MethodPost, "/store/carts", io.MultiReader(strings.NewReader(strings.Repeat("x", 1024))), nil, "")); e.BodyLen != 1024 {
		t.Fatalf("service read %d bytes", e.BodyLen)
	}
	// The import route takes more.
	if e := echoOf(t, do(t, g, http.MethodPost, "/admin/products/import", strings.NewReader(strings.Repeat("x", 4096)), nil, "")); e.BodyLen != 4096 {
		t.Fatalf("import read %d bytes", e.BodyLen)
	}
}

func TestMalformedOrInvalidTokenIs401(t *testing.T) {
	bs, urls := services(t)
	good := claims()
	g := newGateway(t, gateway.Config{Services: urls, Authenticator: tokens{"good": good}})
	for _, auth := range []string{"Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token good", "Bearer expired-or-forged"} {
		rec := do(t, g, http.MethodGet, "/store/customers/me", nil, http.Header{"Authorization": {auth}}, "")
		errorOf(t, rec, http.StatusUnauthorized, commerce.CodeUnauthenticated)
		if rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatalf("%q: 401 without WWW-Authenticate", auth)
		}
	}
	if n := bs[gateway.ServiceUser].hits.Load(); n != 0 {
		t.Fatalf("the user service got %d requests with bad tokens", n)
	}
	e := echoOf(t, do(t, g, http.MethodGet, "/store/customers/me", nil, bearer("good"), ""))
	if e.Customer != good.CustomerID.String() || e.Session != good.SessionID.String() || e.Auth != "Bearer good" {
		t.Fatalf("service saw customer %q session %q auth %q", e.Customer, e.Session, e.Auth)
	}
	// The admin key is the admin service's to check.
	if e := echoOf(t, do(t, g, http.MethodGet, "/admin/orders", nil, bearer("admin-key"), "")); e.Auth != "Bearer admin-key" || e.Customer != "" {
		t.Fatalf("admin route: auth %q customer %q", e.Auth, e.Customer)
	}
}

func TestAuthenticatorOutageIs503(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls, Authenticator: downAuth{}})
	rec := do(t, g, http.MethodGet, "/store/customers/me", nil, bearer("any"), "")
	errorOf(t, rec, http.StatusServiceUnavailable, commerce.CodeUnavailable)
}

// downAuth cannot reach the customers' store.
type downAuth struct{}

func (downAuth) Authenticate(context.Context, string) (customer.Claims, error) {
	return customer.Claims{}, commerce.Errorf(commerce.CodeUnavailable, "customer: dial tcp 10.0.0.9:5432: connection refused")
}

func TestClientCannotForgeIdentityHeaders(t *testing.T) {
	_, urls := services(t)
	good := claims()
	g := newGateway(t, gateway.Config{Services: urls, Authenticator: tokens{"good": good}})
	forged := http.Header{
		gateway.CustomerHeader:  {"cus_01H0000000000000000000000F"},
		gateway.SessionHeader:   {"ses_01H0000000000000000000000F"},
		"x-mercato-customer-id": {"lowercase"},
		"X-Mercato-Role":        {"admin"},
	}
	e := echoOf(t, do(t, g, http.MethodGet, "/store/orders", nil, forged, ""))
	if e.Customer != "" || e.Session != "" || e.Forged != "" {
		t.Fatalf("forged headers reached the service: %+v", e)
	}
	forged["Authorization"] = []string{"Bearer good"}
	e = echoOf(t, do(t, g, http.MethodGet, "/store/orders", nil, forged, ""))
	if e.Customer != good.CustomerID.String() || e.Session != good.SessionID.String() || e.Forged != "" {
		t.Fatalf("service saw %+v, want only the verified identity", e)
	}
	// On routes that leave Authorization to the service, too.
	delete(forged, "Authorization")
	if e := echoOf(t, do(t, g, http.MethodPost, "/webhooks/stripe", nil, forged, "")); e.Customer != "" || e.Forged != "" {
		t.Fatalf("forged headers reached the webhook: %+v", e)
	}
}

func TestForwardedForIsTrustedOnlyFromConfiguredProxies(t *testing.T) {
	_, urls := services(t)
	xff := http.Header{"X-Forwarded-For": {"198.51.100.1, 203.0.113.9"}}

	g := newGateway(t, gateway.Config{Services: urls})
	if e := echoOf(t, do(t, g, http.MethodGet, "/store/products", nil, xff, "10.0.0.5:4000")); e.Forwarded != "10.0.0.5" {
		t.Fatalf("untrusted peer: service saw client %q", e.Forwarded)
	}

	cfg := gateway.Config{Services: urls, TrustedProxies: mustPrefixes(t, "10.0.0.0/8")}
	g = newGateway(t, cfg)
	if e := echoOf(t, do(t, g, http.MethodGet, "/store/products", nil, xff, "10.0.0.5:4000")); e.Forwarded != "203.0.113.9" {
		t.Fatalf("trusted peer: service saw client %q", e.Forwarded)
	}
}

func TestSensitiveRoutesHaveAStricterLimit(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls, SensitiveLimit: ratelimit.PerPeriod(2, time.Hour)})
	const addr = "198.51.100.7:5000"
	for i := range 2 {
		if rec := do(t, g, http.MethodPost, "/store/auth/login", strings.NewReader(`{}`), nil, addr); rec.Code != http.StatusOK {
			t.Fatalf("login %d: %d", i, rec.Code)
		}
	}
	rec := do(t, g, http.MethodPost, "/store/auth/login", strings.NewReader(`{}`), nil, addr)
	errorOf(t, rec, http.StatusTooManyRequests, commerce.CodeResourceExhausted)
	if rec.Header().Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// Registration shares the allowance; browsing does not.
	errorOf(t, do(t, g, http.MethodPost, "/store/customers", strings.NewReader(`{}`), nil, addr), http.StatusTooManyRequests, commerce.CodeResourceExhausted)
	echoOf(t, do(t, g, http.MethodGet, "/store/products", nil, nil, addr))
	// Another address has its own.
	echoOf(t, do(t, g, http.MethodPost, "/store/auth/login", strings.NewReader(`{}`), nil, "198.51.100.8:5000"))
}

// TestSensitiveLimitHoldsWhateverThePathsSpelling spends one login
// allowance through every spelling of the login path a client may send:
// each reaches the login route, and each counts against the same
// allowance, so none of them gets a single login past it.
func TestSensitiveLimitHoldsWhateverThePathsSpelling(t *testing.T) {
	bs, urls := services(t)
	spellings := []struct{ method, path string }{
		{http.MethodPost, "/store/auth/login"},
		{http.MethodPost, "/store/auth/%6Cogin"},
		{http.MethodPost, "/store/auth/%6cogin"},
		{http.MethodPost, "/store/auth/%6C%6F%67%69%6E"},
		{http.MethodPost, "/store/auth/%6c%6F%67%69%6e"},
		{http.MethodPost, "/store/auth/log%69n"},
		{http.MethodPost, "/store/%61uth/login"},
		{http.MethodPost, "/%73%74%6F%72%65/%61%75%74%68/%6C%6F%67%69%6E"},
		{http.MethodPost, "/store/auth/login/"},
		{http.MethodPost, "/store/auth/%6Cogin/"},
		{"post", "/store/auth/login"},
		{"Post", "/store/auth/%6cogin"},
	}
	g := newGateway(t, gateway.Config{Services: urls, SensitiveLimit: ratelimit.PerPeriod(len(spellings), time.Hour)})
	const addr = "198.51.100.7:5000"
	for _, s := range spellings {
		e := echoOf(t, do(t, g, s.method, s.path, strings.NewReader(`{}`), nil, addr))
		if e.Service != gateway.ServiceUser || strings.TrimSuffix(e.Escaped, "/") != "/store/auth/login" {
			t.Fatalf("%s %s went to %s as %s, want the login route", s.method, s.path, e.Service, e.Escaped)
		}
	}
	// The allowance is spent: no spelling gets one more try.
	for _, s := range spellings {
		rec := do(t, g, s.method, s.path, strings.NewReader(`{}`), nil, addr)
		errorOf(t, rec, http.StatusTooManyRequests, commerce.CodeResourceExhausted)
		if rec.Header().Get("Retry-After") == "" {
			t.Fatalf("%s %s: 429 without Retry-After", s.method, s.path)
		}
	}
	// Spellings the gateway refuses never reach the service at all.
	for _, p := range []string{"/store/auth/./login", "/store/auth//login", "/store/x/../auth/login", "/store/auth/%2e/login", "/store/x%2F..%2Fauth/login"} {
		errorOf(t, do(t, g, http.MethodPost, p, strings.NewReader(`{}`), nil, addr), http.StatusBadRequest, commerce.CodeInvalidArgument)
	}
	if n := bs[gateway.ServiceUser].hits.Load(); n != int64(len(spellings)) {
		t.Fatalf("the user service got %d requests, want %d", n, len(spellings))
	}
}

func TestCustomerLimitHoldsAcrossAddresses(t *testing.T) {
	_, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls, Authenticator: tokens{"good": claims()}, CustomerLimit: ratelimit.PerPeriod(3, time.Hour)})
	for i := range 3 {
		echoOf(t, do(t, g, http.MethodGet, "/store/orders", nil, bearer("good"), "198.51.100."+string(rune('1'+i))+":1"))
	}
	errorOf(t, do(t, g, http.MethodGet, "/store/orders", nil, bearer("good"), "198.51.100.9:1"), http.StatusTooManyRequests, commerce.CodeResourceExhausted)
}

func TestCORSPreflight(t *testing.T) {
	bs, urls := services(t)
	g := newGateway(t, gateway.Config{Services: urls, CORS: &cors.Options{
		AllowedOrigins: []string{"https://shop.example"},
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Idempotency-Key", "X-Cart-Token"},
	}})
	pre := http.Header{"Origin": {"https://shop.example"}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"authorization,content-type"}}
	rec := do(t, g, http.MethodOptions, "/store/carts", nil, pre, "")
	if rec.Code != http.StatusNoContent || rec.Header().Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("preflight: %d %v", rec.Code, rec.Header())
	}
	pre["Origin"] = []string{"https://evil.example"}
	if rec := do(t, g, http.MethodOptions, "/store/carts", nil, pre, ""); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("foreign origin allowed: %v", rec.Header())
	}
	if n := bs[gateway.ServiceCart].hits.Load(); n != 0 {
		t.Fatalf("preflights reached the service %d times", n)
	}
	rec = do(t, g, http.MethodGet, "/store/carts/cart_1", nil, http.Header{"Origin": {"https://shop.example"}}, "")
	if rec.Header().Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("simple request: %v", rec.Header())
	}
}
