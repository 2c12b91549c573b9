package gateway_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce/commercetest"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/gateway"
)

// *customer.Service verifies tokens in process.
var _ gateway.Authenticator = (*customer.Service)(nil)

// echo is what a test backend answers: what it saw of the request.
type echo struct {
	Service   string `json:"service"`
	Path      string `json:"path"`
	Escaped   string `json:"escaped"`
	Customer  string `json:"customer"`
	Session   string `json:"session"`
	RequestID string `json:"request_id"`
	Forwarded string `json:"forwarded_for"`
	Auth      string `json:"authorization"`
	BodyLen   int    `json:"body_len"`
	Forged    string `json:"forged"`
}

// backend is one instance of a service in a test.
type backend struct {
	*httptest.Server
	name string
	hits atomic.Int64
	down atomic.Bool // answers 503 to everything, health included
}

func newBackend(t *testing.T, name string) *backend {
	t.Helper()
	b := &backend{name: name}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == gateway.DefaultHealthPath {
			if b.down.Load() {
				w.WriteHeader(http.StatusServiceUnavailable)
			}
			return
		}
		b.hits.Add(1)
		if b.down.Load() {
			http.Error(w, `{"error":{"code":"unavailable","message":"down"}}`, http.StatusServiceUnavailable)
			return
		}
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set(gateway.RequestIDHeader, "instance-"+name) // the gateway's ID must win
		_ = json.NewEncoder(w).Encode(echo{
			Service: name, Path: r.URL.Path, Escaped: r.URL.EscapedPath(), Customer: r.Header.Get(gateway.CustomerHeader), Session: r.Header.Get(gateway.SessionHeader),
			RequestID: r.Header.Get(gateway.RequestIDHeader), Forwarded: r.Header.Get("X-Forwarded-For"), Auth: r.Header.Get("Authorization"),
			BodyLen: int(n), Forged: r.Header.Get("X-Mercato-Role"),
		})
	}))
	t.Cleanup(b.Close)
	return b
}

// services starts one backend per service of Mercato and returns them
// with the Config.Services that names them.
func services(t *testing.T) (map[string]*backend, map[string][]string) {
	t.Helper()
	bs := map[string]*backend{}
	urls := map[string][]string{}
	for _, s := range []string{gateway.ServiceUser, gateway.ServiceProduct, gateway.ServiceCart, gateway.ServiceOrder,
		gateway.ServicePayment, gateway.ServiceInventory, gateway.ServiceNotification} {
		b := newBackend(t, s)
		bs[s] = b
		urls[s] = []string{b.URL}
	}
	return bs, urls
}

// newGateway builds a gateway for cfg, quiet unless a test fails, and
// closes it at cleanup.
func newGateway(t *testing.T, cfg gateway.Config) *gateway.Gateway {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	g, err := gateway.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := g.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return g
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// do serves one request through h from the address remote and returns
// the recorded answer.
func do(t *testing.T, h http.Handler, method, target string, body io.Reader, header http.Header, remote string) *httptest.ResponseRecorder {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, method, target, body)
	for k, vs := range header {
		req.Header[k] = vs
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	return do(t, h, http.MethodGet, target, nil, nil, "")
}

// echoOf decodes a backend's answer.
func echoOf(t *testing.T, rec *httptest.ResponseRecorder) echo {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
	}
	var e echo
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("decode %q: %v", rec.Body, err)
	}
	return e
}

// errorOf checks that rec is a gateway error of status and code and
// returns its body.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder, status int, code commerce.ErrorCode) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	var body struct {
		Error struct {
			Code      commerce.ErrorCode `json:"code"`
			Message   string             `json:"message"`
			Details   map[string]any     `json:"details"`
			RequestID string             `json:"request_id"`
		} `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("error body %q is not the error shape: %v", rec.Body, err)
	}
	if body.Error.Code != code {
		t.Fatalf("code %q, want %q; body %s", body.Error.Code, code, rec.Body)
	}
	if body.Error.Message == "" || body.Error.RequestID == "" || body.Error.RequestID != rec.Header().Get(gateway.RequestIDHeader) {
		t.Fatalf("error body %s lacks a message or the request ID %q", rec.Body, rec.Header().Get(gateway.RequestIDHeader))
	}
	if strings.Contains(body.Error.Message, "127.0.0.1") {
		t.Fatalf("error message %q carries an address", body.Error.Message)
	}
	return body.Error.Details
}

// tokens is an Authenticator over a fixed set of tokens.
type tokens map[string]customer.Claims

func (ts tokens) Authenticate(_ context.Context, token string) (customer.Claims, error) {
	c, ok := ts[token]
	if !ok {
		return customer.Claims{}, commerce.Errorf(commerce.CodeUnauthenticated, "customer: invalid session token")
	}
	return c, nil
}

func claims() customer.Claims {
	return customer.Claims{CustomerID: commerce.NewID[commerce.CustomerID](), SessionID: commerce.NewID[commerce.SessionID]()}
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

// waitFor polls cond until it holds, for as long as the test may run.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(commercetest.AwaitTimeout(t))
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func mustPrefixes(t *testing.T, ss ...string) []netip.Prefix {
	t.Helper()
	var out []netip.Prefix
	for _, s := range ss {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
