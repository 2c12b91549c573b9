package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/internal/testenv"
)

// testProducts is the size of the test shops' catalog: big enough for
// facets and pages, small enough to seed quickly under the race detector.
const testProducts = 120

// waitTimeout bounds every wait of the tests.
const waitTimeout = 30 * time.Second

// testShop is the shop run in-process by run, on a free loopback port,
// until the test ends.
type testShop struct {
	*shop
	url  string
	out  *testenv.SyncBuffer
	logs *logRecorder
}

// startShop runs the shop with cfg (its address, logger and catalog size
// filled in) and returns once it is ready. Cleanup stops it and checks
// that run returned nil.
func startShop(t *testing.T, cfg Config) *testShop {
	t.Helper()
	ts, stop := startStoppableShop(t, cfg)
	t.Cleanup(func() { stop(t) })
	return ts
}

// startStoppableShop is startShop with the stop in the caller's hands: it
// returns once the shop is ready, and stop ends it and checks that run
// returned nil (a second stop does nothing). The shop's output and logs
// are shown when the test fails.
func startStoppableShop(t *testing.T, cfg Config) (*testShop, func(*testing.T)) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	if cfg.Products == 0 {
		cfg.Products = testProducts
	}
	logs := newLogRecorder()
	cfg.Logger = slog.New(logs)
	ready := make(chan *shop, 1)
	cfg.onReady = func(s *shop) { ready <- s }
	out := &testenv.SyncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel) // a test that fails before stop leaves no shop running
	done := make(chan error, 1)
	go func() { done <- run(ctx, cfg, out) }()
	var stopped bool
	stop := func(t *testing.T) {
		t.Helper()
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Errorf("run did not return within %s of its context ending", waitTimeout)
		}
		if t.Failed() {
			t.Logf("shop output:\n%s\nlogs:\n%s", out.String(), logs.dump())
		}
	}
	select {
	case s := <-ready:
		return &testShop{shop: s, url: s.baseURL, out: out, logs: logs}, stop
	case err := <-done:
		cancel()
		t.Fatalf("run ended before the shop was ready: %v\n%s", err, logs.dump())
	case <-time.After(waitTimeout):
		cancel()
		t.Fatalf("the shop was not ready within %s\n%s", waitTimeout, logs.dump())
	}
	return nil, nil
}

// stockedVariant returns an active product of the seeded catalog and one
// of its variants with at least n units available and a price in the
// shop's currency.
func (ts *testShop) stockedVariant(t *testing.T, n int) (catalog.Product, catalog.Variant) {
	t.Helper()
	ctx := context.Background()
	for req := (commerce.PageRequest{Limit: commerce.MaxPageLimit}); ; {
		page, err := ts.catalog.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, req)
		require.NoError(t, err)
		for _, p := range page.Items {
			for _, v := range p.Variants {
				avail, err := ts.stock.Available(ctx, v.SKU)
				require.NoError(t, err)
				if _, priced := v.Price(shopCurrency); priced && avail >= n {
					return p, v
				}
			}
		}
		if !page.HasMore() {
			t.Fatalf("no variant with %d units in the seeded catalog", n)
		}
		req.Cursor = page.NextCursor
	}
}

// apiGuestCart is a guest cart made through the API: its ID and the
// token every request on it sends in X-Cart-Token.
type apiGuestCart struct {
	ID    commerce.CartID `json:"id"`
	Token string          `json:"cart_token"`
}

func (c apiGuestCart) String() string { return c.ID.String() }

// apiCart creates a guest cart through the API holding one unit of sku.
func (ts *testShop) apiCart(t *testing.T, sku string) apiGuestCart {
	t.Helper()
	var c apiGuestCart
	require.Equal(t, http.StatusCreated, ts.api(t, http.MethodPost, "/store/carts", map[string]string{}, &c))
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodPost, "/store/carts/"+c.ID.String()+"/items", map[string]any{"sku": sku, "quantity": 1}, nil, httpapi.CartTokenHeader, c.Token))
	return c
}

// apiCheckout checks cart c out through the API under key, for email,
// paying with pm_card_visa; it decodes a success into out and returns
// the status.
func (ts *testShop) apiCheckout(t *testing.T, c apiGuestCart, key, email string, out any) int {
	t.Helper()
	return ts.api(t, http.MethodPost, "/store/carts/"+c.ID.String()+"/checkout", map[string]any{
		"email": email, "payment_method": "pm_card_visa",
		"shipping_address": map[string]string{"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"},
	}, out, "Idempotency-Key", key, httpapi.CartTokenHeader, c.Token)
}

// logRecorder is a slog.Handler keeping every record, which lets a test
// wait for the shop to log something — the log channel's notifications —
// without polling.
type logRecorder struct {
	attrs []slog.Attr
	state *logState
}

type logState struct {
	mu      sync.Mutex
	records []map[string]string
	// changed is closed, and replaced, on every new record.
	changed chan struct{}
}

func newLogRecorder() *logRecorder {
	return &logRecorder{state: &logState{changed: make(chan struct{})}}
}

func (h *logRecorder) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	rec := map[string]string{"msg": r.Message, "level": r.Level.String()}
	add := func(a slog.Attr) bool {
		rec[a.Key] = a.Value.Resolve().String()
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	s := h.state
	s.mu.Lock()
	s.records = append(s.records, rec)
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return nil
}

func (h *logRecorder) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logRecorder{attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...), state: h.state}
}

func (h *logRecorder) WithGroup(string) slog.Handler { return h }

// waitFor returns the first record that match accepts, waiting up to
// timeout for it to be logged.
func (h *logRecorder) waitFor(t *testing.T, timeout time.Duration, what string, match func(map[string]string) bool) map[string]string {
	t.Helper()
	deadline := time.After(timeout)
	seen := 0
	for {
		s := h.state
		s.mu.Lock()
		records, changed := s.records[seen:], s.changed
		seen = len(s.records)
		s.mu.Unlock()
		for _, r := range records {
			if match(r) {
				return r
			}
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("no log record of %s within %s", what, timeout)
		}
	}
}

// notification waits for the log channel's message about event to to.
func (h *logRecorder) notification(t *testing.T, event, to string) map[string]string {
	t.Helper()
	return h.waitFor(t, waitTimeout, fmt.Sprintf("an email about %s to %s", event, to), func(r map[string]string) bool {
		return r["msg"] == "notify: message" && r["event"] == event && r["to"] == strings.ToLower(to)
	})
}

func (h *logRecorder) dump() string {
	s := h.state
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, r := range s.records {
		fmt.Fprintf(&b, "%s %s", r["level"], r["msg"])
		for k, v := range r {
			if k != "level" && k != "msg" {
				fmt.Fprintf(&b, " %s=%q", k, v)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// noRedirects is a client that shows redirects instead of following
// them.
func noRedirects(jar http.CookieJar) *http.Client {
	return &http.Client{
		Jar:           jar,
		Timeout:       waitTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// atLevel returns the records logged at level or above.
func (h *logRecorder) atLevel(level slog.Level) []map[string]string {
	s := h.state
	s.mu.Lock()
	defer s.mu.Unlock()
	var found []map[string]string
	for _, r := range s.records {
		var l slog.Level
		if l.UnmarshalText([]byte(r["level"])) == nil && l >= level {
			found = append(found, r)
		}
	}
	return found
}
