package monitoring_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/monitoring"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
	"github.com/mercatohq/mercato/search"
)

// shop is a whole shop on memory stores and the in-process bus, wired with
// the monitoring package the way a host does it, behind an httptest
// server.
type shop struct {
	t       testing.TB
	reg     *prometheus.Registry
	metrics *monitoring.Metrics
	svc     httpapi.Services
	bus     *eventbus.Bus
	sent    *sentMessages
	srv     *httptest.Server
	handler http.Handler
	// tokens holds each guest cart's capability token by cart ID, which
	// call sends with every request on that cart.
	tokens sync.Map
}

// shopOptions choose what the test shop monitors.
type shopOptions struct {
	tracer     trace.TracerProvider
	instrument bool // false: the bare shop, for the benchmark's baseline
	// noBusiness leaves the business metrics' bus handlers out, to measure
	// the request path alone.
	noBusiness bool
	logger     *slog.Logger
}

// sentMessages records what the notification channel was given.
type sentMessages struct {
	mu   sync.Mutex
	msgs []notify.Message
}

func (s *sentMessages) Name() string      { return "recorder" }
func (s *sentMessages) Kind() notify.Kind { return notify.Email }
func (s *sentMessages) Send(_ context.Context, m notify.Message) (notify.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	return notify.Receipt{ProviderRef: fmt.Sprint(len(s.msgs))}, nil
}

func newShop(t testing.TB, o shopOptions) *shop {
	t.Helper()
	ctx := context.Background()
	log := o.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &shop{t: t, reg: prometheus.NewRegistry(), sent: &sentMessages{}}
	var err error
	s.metrics, err = monitoring.New(s.reg, &monitoring.Options{TracerProvider: o.tracer, Logger: log})
	require.NoError(t, err)

	registry := commerce.NewEventRegistry()
	for _, register := range []func(*commerce.EventRegistry){
		catalog.RegisterEvents, customer.RegisterEvents, cart.RegisterEvents, inventory.RegisterEvents,
		payment.RegisterEvents, order.RegisterEvents, notify.RegisterEvents,
	} {
		register(registry)
	}
	var backend eventbus.Backend = eventbus.NewGoChannel(nil)
	busOpts := &eventbus.Options{Registry: registry, Logger: log}
	if o.instrument {
		backend = s.metrics.Backend(backend)
		busOpts.Middleware = []message.HandlerMiddleware{s.metrics.BusMiddleware()}
	}
	s.bus, err = eventbus.New(backend, busOpts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.bus.Close(context.Background()) })

	mem := &memory.Options{Events: s.bus}
	s.svc.Catalog, err = catalog.NewService(memory.NewCatalogStore(mem), nil)
	require.NoError(t, err)
	s.svc.Customers, err = customer.NewService(memory.NewCustomerStore(mem), &customer.Options{
		Password: customer.PasswordParams{Memory: 64, Iterations: 1, Parallelism: 1}, Logger: log,
	})
	require.NoError(t, err)
	s.svc.Carts, err = cart.NewService(memory.NewCartStore(mem), s.svc.Catalog, nil)
	require.NoError(t, err)
	s.svc.Inventory, err = inventory.NewService(memory.NewInventoryStore(mem), &inventory.Options{Logger: log})
	require.NoError(t, err)
	var provider payment.Provider = fakeprovider.New(nil)
	var channel notify.Channel = s.sent
	orderOpts := &order.Options{Logger: log}
	if o.instrument {
		provider = s.metrics.Provider(provider)
		channel = s.metrics.Channel(channel)
		orderOpts.Observer = s.metrics.CheckoutObserver()
	}
	s.svc.Payments, err = payment.NewService(memory.NewPaymentStore(mem), provider, &payment.Options{Logger: log})
	require.NoError(t, err)
	s.svc.Orders, err = order.NewService(memory.NewOrderStore(mem), s.svc.Carts, s.svc.Inventory, s.svc.Payments, orderOpts)
	require.NoError(t, err)
	index, err := bleve.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = index.Close(context.Background()) })
	s.svc.Search, err = search.NewService(index, nil)
	require.NoError(t, err)

	dir := notify.CustomerDirectory(s.svc.Customers)
	dir.Orders = notify.OrderDirectory(s.svc.Orders, dir)
	notes, err := notify.NewService(memory.NewNotifyStore(mem), []notify.Channel{channel}, dir, &notify.Options{
		ShopName: "Test shop", BaseURL: "http://shop.test", Logger: log,
	})
	require.NoError(t, err)
	for _, name := range notes.Events() {
		h, _ := notes.Handler(name)
		require.NoError(t, s.bus.Subscribe("notify", name, h))
	}
	if o.instrument && !o.noBusiness {
		require.NoError(t, s.metrics.Subscribe(s.bus, "monitoring"))
		require.NoError(t, s.bus.SubscribePoisoned("monitoring", s.metrics.PoisonedHandler()))
	}
	require.NoError(t, s.bus.Start(ctx))

	api, err := httpapi.New(s.svc, &httpapi.Options{Logger: log})
	require.NoError(t, err)
	mux := http.NewServeMux()
	if o.instrument {
		mux.Handle("/api/", http.StripPrefix("/api", s.metrics.HTTP("/api", api)))
		s.handler = s.metrics.Trace(mux)
	} else {
		mux.Handle("/api/", http.StripPrefix("/api", api))
		s.handler = mux
	}
	s.srv = httptest.NewServer(s.handler)
	t.Cleanup(s.srv.Close)
	return s
}

// sellable puts a product with sku on sale with stock units.
func (s *shop) sellable(sku string, cents int64, stock int) {
	s.t.Helper()
	ctx := context.Background()
	_, err := s.svc.Catalog.CreateProduct(ctx, catalog.ProductInput{
		Title: "Product " + sku, Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: sku, Prices: []commerce.Money{commerce.MustMoney(cents, "USD")}}},
	})
	require.NoError(s.t, err)
	_, err = s.svc.Inventory.SetStock(ctx, sku, "", stock, "test stock")
	require.NoError(s.t, err)
}

// call sends a JSON request to the shop's handler and returns the answer.
func (s *shop) call(method, path string, body any, headers ...string) *httptest.ResponseRecorder {
	s.t.Helper()
	var b []byte
	if body != nil {
		var err error
		b, err = json.Marshal(body)
		require.NoError(s.t, err)
	}
	req := httptest.NewRequest(method, "http://shop.test"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if rest, ok := strings.CutPrefix(path, "/api/store/carts/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		if token, ok := s.tokens.Load(id); ok {
			req.Header.Set(httpapi.CartTokenHeader, token.(string))
		}
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, req)
	return w
}

// cartWith creates a cart through the API holding one unit of sku.
func (s *shop) cartWith(sku string) string {
	s.t.Helper()
	w := s.call(http.MethodPost, "/api/store/carts", nil)
	require.Equal(s.t, http.StatusCreated, w.Code, w.Body.String())
	var c httpapi.CartResponse
	require.NoError(s.t, json.Unmarshal(w.Body.Bytes(), &c))
	s.tokens.Store(c.ID.String(), c.CartToken)
	w = s.call(http.MethodPost, "/api/store/carts/"+c.ID.String()+"/items", map[string]any{"sku": sku, "quantity": 1})
	require.Equal(s.t, http.StatusOK, w.Code, w.Body.String())
	return c.ID.String()
}

// checkout checks cart out through the API with payment method pm.
func (s *shop) checkout(cart, pm string, headers ...string) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.call(http.MethodPost, "/api/store/carts/"+cart+"/checkout", map[string]any{
		"email": "ada@example.com", "payment_method": pm,
		"shipping_address": map[string]any{"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"},
	}, append([]string{"Idempotency-Key", "key-" + cart}, headers...)...)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(relayWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
