package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
	"github.com/mercatohq/mercato/promotion"
	"github.com/mercatohq/mercato/search"
)

// adminKey is the admin key of every test shop.
const adminKey = "test-admin-key-0123456789"

// shop is a whole shop on memory stores behind the API, served by an
// httptest server.
type shop struct {
	t        testing.TB
	svc      httpapi.Services
	api      *httpapi.API
	srv      *httptest.Server
	events   *commercetest.Recorder
	provider *fakeprovider.Provider
	index    *bleve.Index

	// tokens are the guest tokens the shop answered, by cart or order ID:
	// do sends them on the resource's routes unless told otherwise.
	mu     sync.Mutex
	tokens map[string]string
}

// shopConfig is what a test may change of the shop newShop builds.
type shopConfig struct {
	// carts wraps the cart store, e.g. to make it fail.
	carts func(cart.Store) cart.Store
	// customers changes the customer service's options.
	customers func(*customer.Options)
	// api changes the API's options.
	api func(*httpapi.Options)
	// inventory changes the inventory service's options.
	inventory func(*inventory.Options)
}

// shopOption changes a shopConfig.
type shopOption func(*shopConfig)

func newShop(t testing.TB, options ...shopOption) *shop {
	t.Helper()
	var cfg shopConfig
	for _, o := range options {
		o(&cfg)
	}
	s := &shop{t: t, events: commercetest.NewRecorder(), tokens: map[string]string{}}
	opts := &memory.Options{Events: s.events}
	quiet := slog.New(slog.DiscardHandler)
	var err error
	s.svc.Catalog, err = catalog.NewService(memory.NewCatalogStore(opts), nil)
	require.NoError(t, err)
	co := &customer.Options{
		Password: customer.PasswordParams{Memory: 64, Iterations: 1, Parallelism: 1}, Logger: quiet,
	}
	if cfg.customers != nil {
		cfg.customers(co)
	}
	s.svc.Customers, err = customer.NewService(memory.NewCustomerStore(opts), co)
	require.NoError(t, err)
	var carts cart.Store = memory.NewCartStore(opts)
	if cfg.carts != nil {
		carts = cfg.carts(carts)
	}
	s.svc.Promotions, err = promotion.NewService(memory.NewPromotionStore(opts), &promotion.Options{Logger: quiet})
	require.NoError(t, err)
	s.svc.Carts, err = cart.NewService(carts, s.svc.Catalog, &cart.Options{Discounter: s.svc.Promotions})
	require.NoError(t, err)
	io := &inventory.Options{}
	if cfg.inventory != nil {
		cfg.inventory(io)
	}
	s.svc.Inventory, err = inventory.NewService(memory.NewInventoryStore(opts), io)
	require.NoError(t, err)
	s.provider = fakeprovider.New(nil)
	s.svc.Payments, err = payment.NewService(memory.NewPaymentStore(opts), s.provider, &payment.Options{Logger: quiet})
	require.NoError(t, err)
	s.svc.Orders, err = order.NewService(memory.NewOrderStore(opts), s.svc.Carts, s.svc.Inventory, s.svc.Payments, &order.Options{
		Logger: quiet, Promotions: s.svc.Promotions, GiftCards: s.svc.Promotions,
	})
	require.NoError(t, err)
	s.index, err = bleve.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.index.Close(context.Background()) })
	s.svc.Search, err = search.NewService(s.index, nil)
	require.NoError(t, err)
	ao := &httpapi.Options{AdminKey: adminKey, Logger: quiet}
	if cfg.api != nil {
		cfg.api(ao)
	}
	s.api, err = httpapi.New(s.svc, ao)
	require.NoError(t, err)
	s.srv = httptest.NewServer(s.api)
	t.Cleanup(s.srv.Close)
	return s
}

// reply is an answer: its status, headers and body.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the reply's body into v.
func (r reply) json(t testing.TB, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(r.body, v), "body: %s", r.body)
}

// errorCode returns the code of an error reply.
func (r reply) errorCode(t testing.TB) string {
	t.Helper()
	var e httpapi.ErrorBody
	r.json(t, &e)
	return string(e.Error.Code)
}

// do sends a request with an optional bearer token and body (a string or
// []byte is sent as is, anything else as JSON).
func (s *shop) do(method, path, token string, body any, headers ...string) reply {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(s.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.srv.URL+path, rd)
	require.NoError(s.t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	// A fixed request ID keeps answers comparable byte for byte.
	req.Header.Set(httpapi.RequestIDHeader, "test-request")
	s.sendGuestToken(req, path)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.srv.Client().Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	s.learnGuestToken(resp.Header, raw)
	return reply{status: resp.StatusCode, header: resp.Header, body: raw}
}

// sendGuestToken sets the guest token the shop answered for the cart or
// order path names, if any: what a client keeps and sends back. A test
// that sends its own (or an empty one) overrides it.
func (s *shop) sendGuestToken(req *http.Request, path string) {
	parts := strings.Split(strings.SplitN(path, "?", 2)[0], "/")
	if len(parts) < 4 || parts[1] != "store" {
		return
	}
	header := map[string]string{"carts": httpapi.CartTokenHeader, "orders": httpapi.OrderTokenHeader}[parts[2]]
	if header == "" {
		return
	}
	s.mu.Lock()
	token, ok := s.tokens[parts[3]]
	s.mu.Unlock()
	if ok {
		req.Header.Set(header, token)
	}
}

// learnGuestToken keeps the guest token of an answer, by the ID of the
// cart or order it came with.
func (s *shop) learnGuestToken(h http.Header, body []byte) {
	for _, name := range []string{httpapi.CartTokenHeader, httpapi.OrderTokenHeader} {
		token := h.Get(name)
		if token == "" {
			continue
		}
		var v struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(body, &v) == nil && v.ID != "" {
			s.mu.Lock()
			s.tokens[v.ID] = token
			s.mu.Unlock()
		}
	}
}

// guestToken returns the token the shop answered for id, "" if none.
func (s *shop) guestToken(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens[id]
}

// customer registers and signs in a customer, returning the token.
func (s *shop) customer(email string) (customer.Customer, string) {
	s.t.Helper()
	r := s.do(http.MethodPost, "/store/customers", "", map[string]string{"email": email, "password": "correct horse battery", "name": "Test Customer"})
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var c customer.Customer
	r.json(s.t, &c)
	r = s.do(http.MethodPost, "/store/auth/login", "", map[string]string{"email": email, "password": "correct horse battery"})
	require.Equal(s.t, http.StatusOK, r.status, "%s", r.body)
	var l httpapi.LoginResponse
	r.json(s.t, &l)
	return c, l.Token
}

// admin sends a request with the admin key.
func (s *shop) admin(method, path string, body any, headers ...string) reply {
	s.t.Helper()
	return s.do(method, path, adminKey, body, headers...)
}
