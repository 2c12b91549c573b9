package monitoring_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/monitoring"
)

// value returns the value of the counter, gauge or histogram count named
// name whose labels include want; 0 when there is none.
func value(t testing.TB, reg prometheus.Gatherer, name string, want map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue next
				}
			}
			sum += metricValue(m)
		}
	}
	return sum
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

// TestBusinessMetricsFromEvents buys through the API: three paid
// checkouts, one declined, two carts left alone. The business metrics,
// counted from the events on the bus, say so.
func TestBusinessMetricsFromEvents(t *testing.T) {
	s := newShop(t, shopOptions{instrument: true})
	s.sellable("SKU-1", 1500, 100)
	for range 3 {
		w := s.checkout(s.cartWith("SKU-1"), "pm_card_visa")
		require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	}
	w := s.checkout(s.cartWith("SKU-1"), "pm_card_chargeDeclined")
	require.Equal(t, http.StatusPaymentRequired, w.Code, w.Body.String())
	s.cartWith("SKU-1")
	s.cartWith("SKU-1")

	count := func(name string, labels map[string]string) float64 { return value(t, s.reg, name, labels) }
	eventually(t, "the events to be counted", func() bool {
		return count("mercato_carts_created_total", nil) == 6 && count("mercato_orders_confirmed_total", nil) == 3 &&
			count("mercato_payments_total", map[string]string{"outcome": "failed"})+count("mercato_payments_total", map[string]string{"outcome": "failed_final"}) == 1
	})
	require.Equal(t, 3.0, count("mercato_carts_converted_total", nil))
	require.Equal(t, 4.0, count("mercato_checkouts_started_total", nil))
	require.Equal(t, 4500.0, count("mercato_revenue_minor_units_total", map[string]string{"currency": "USD"}), "three orders of 15.00 USD, in cents")
	require.Equal(t, 3.0, count("mercato_order_confirmation_seconds", nil))
	require.Equal(t, 3.0, count("mercato_payments_total", map[string]string{"outcome": "captured"}))
	require.Equal(t, 0.0, count("mercato_payment_retries_total", nil))

	// Abandonment and conversion as deploy/monitoring computes them.
	created, converted := count("mercato_carts_created_total", nil), count("mercato_carts_converted_total", nil)
	require.InDelta(t, 0.5, 1-converted/created, 1e-9)
	require.InDelta(t, 0.5, count("mercato_orders_confirmed_total", nil)/created, 1e-9)

	// Operations: each checkout's steps, the provider calls, the emails.
	require.Equal(t, 3.0, count("mercato_checkout_step_duration_seconds", map[string]string{"step": "checkout", "outcome": "ok"}))
	require.Equal(t, 1.0, count("mercato_checkout_step_duration_seconds", map[string]string{"step": "checkout", "outcome": "payment_declined"}))
	require.Equal(t, 4.0, count("mercato_checkout_step_duration_seconds", map[string]string{"step": "reserve", "outcome": "ok"}))
	require.Equal(t, 4.0, count("mercato_payment_provider_duration_seconds", map[string]string{"operation": "authorize"}))
	eventually(t, "the confirmations to be sent", func() bool {
		return count("mercato_notifications_total", map[string]string{"outcome": "sent"}) >= 3
	})
	require.Positive(t, count("mercato_bus_consumer_lag_seconds", map[string]string{"handler": "notify/order.confirmed"}))
	require.Positive(t, count("mercato_bus_handler_duration_seconds", map[string]string{"handler": "monitoring/cart.created", "outcome": "ok"}))
}

// TestHTTPMetricsLabels shows the API's metrics are labelled by route
// pattern, status class and commerce code, never by a raw path or an ID.
func TestHTTPMetricsLabels(t *testing.T) {
	s := newShop(t, shopOptions{instrument: true})
	s.sellable("SKU-1", 1500, 1)
	cart := s.cartWith("SKU-1")
	require.Equal(t, http.StatusNotFound, s.call(http.MethodGet, "/api/store/carts/crt_01J0000000000000000000000A", nil).Code)
	require.Equal(t, http.StatusBadRequest, s.call(http.MethodPost, "/api/store/carts/"+cart+"/items", map[string]any{"sku": "", "quantity": 1}).Code)
	require.Equal(t, http.StatusNotFound, s.call(http.MethodGet, "/api/no/such/"+cart, nil).Code)

	count := func(name string, labels map[string]string) float64 { return value(t, s.reg, name, labels) }
	require.Equal(t, 1.0, count("mercato_http_request_duration_seconds", map[string]string{"route": "POST /api/store/carts", "status_class": "2xx"}))
	require.Equal(t, 1.0, count("mercato_http_request_duration_seconds", map[string]string{"route": "POST /api/store/carts/{id}/items", "status_class": "2xx"}))
	require.Equal(t, 1.0, count("mercato_http_errors_total", map[string]string{"route": "GET /api/store/carts/{id}", "status_class": "4xx", "code": "not_found"}))
	require.Equal(t, 1.0, count("mercato_http_errors_total", map[string]string{"route": "POST /api/store/carts/{id}/items", "code": "invalid_argument"}))
	require.Equal(t, 1.0, count("mercato_http_errors_total", map[string]string{"route": "/api/", "code": "not_found"}), "an unrouted path is the catch-all's pattern")

	families, err := s.reg.Gather()
	require.NoError(t, err)
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				require.NotContains(t, l.GetValue(), "crt_", "%s has an ID in label %s", f.GetName(), l.GetName())
				require.NotContains(t, l.GetValue(), "/no/such", "%s has a raw path in label %s", f.GetName(), l.GetName())
			}
		}
	}
}

// TestBusMetricsRetriesAndPoison runs a handler that fails twice and then
// succeeds, and one that always fails: the retries and the poisoned event
// are counted by handler.
func TestBusMetricsRetriesAndPoison(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := monitoring.New(reg, nil)
	require.NoError(t, err)
	bus, err := eventbus.New(m.Backend(eventbus.NewGoChannel(nil)), &eventbus.Options{
		Retry:      eventbus.RetryPolicy{MaxAttempts: 3, InitialInterval: time.Millisecond},
		Middleware: []message.HandlerMiddleware{m.BusMiddleware()},
		Logger:     eventbustest.Logger(t),
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	var flaky int
	require.NoError(t, eventbus.Handle(bus, "flaky", func(context.Context, commerce.Envelope, eventbustest.Tested) error {
		if flaky++; flaky <= 2 {
			return commerce.Errorf(commerce.CodeUnavailable, "not yet")
		}
		return nil
	}))
	require.NoError(t, eventbus.Handle(bus, "broken", func(context.Context, commerce.Envelope, eventbustest.Tested) error {
		return commerce.Errorf(commerce.CodeInternal, "never")
	}))
	require.NoError(t, bus.SubscribePoisoned("monitoring", m.PoisonedHandler()))
	require.NoError(t, bus.Start(context.Background()))
	require.NoError(t, bus.Publish(context.Background(), commerce.NewEnvelope("agg", time.Now(), eventbustest.Tested{Seq: 1})))

	count := func(name string, labels map[string]string) float64 { return value(t, reg, name, labels) }
	eventually(t, "the poisoned event to be counted", func() bool {
		return count("mercato_bus_poisoned_total", map[string]string{"handler": "broken/eventbustest.tested"}) == 1 &&
			count("mercato_bus_handler_duration_seconds", map[string]string{"handler": "flaky/eventbustest.tested", "outcome": "ok"}) == 1
	})
	require.Equal(t, 2.0, count("mercato_bus_handler_retries_total", map[string]string{"handler": "flaky/eventbustest.tested"}))
	require.Equal(t, 2.0, count("mercato_bus_handler_duration_seconds", map[string]string{"handler": "flaky/eventbustest.tested", "outcome": "error"}))
	require.Equal(t, 2.0, count("mercato_bus_handler_retries_total", map[string]string{"handler": "broken/eventbustest.tested"}))
	require.Equal(t, 1.0, count("mercato_bus_consumer_lag_seconds", map[string]string{"handler": "flaky/eventbustest.tested"}), "lag is measured once per delivery")
}

func TestNewRefusesNilAndDoubleRegistration(t *testing.T) {
	_, err := monitoring.New(nil, nil)
	require.ErrorIs(t, err, commerce.ErrInvalidArgument)
	reg := prometheus.NewRegistry()
	_, err = monitoring.New(reg, nil)
	require.NoError(t, err)
	_, err = monitoring.New(reg, nil)
	require.Error(t, err)
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP mercato_orders_confirmed_total Orders confirmed (order.confirmed).
# TYPE mercato_orders_confirmed_total counter
mercato_orders_confirmed_total 0
`), "mercato_orders_confirmed_total"))
}

// TestBackendKeepsHandledPublishing wraps the in-process backend: a relay
// forwarding through the bus still returns only once the event was
// handled, so it never acknowledges an outbox entry a crash could lose.
func TestBackendKeepsHandledPublishing(t *testing.T) {
	m, err := monitoring.New(prometheus.NewRegistry(), nil)
	require.NoError(t, err)
	backend := m.Backend(eventbus.NewGoChannel(nil))
	require.Implements(t, (*eventbus.HandledBackend)(nil), backend)
	bus, err := eventbus.New(backend, &eventbus.Options{Logger: eventbustest.Logger(t)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	started, release := make(chan struct{}), make(chan struct{})
	require.NoError(t, eventbus.Handle(bus, "slow", func(context.Context, commerce.Envelope, eventbustest.Tested) error {
		close(started)
		<-release
		return nil
	}))
	require.NoError(t, bus.Start(context.Background()))
	forwarded := make(chan error, 1)
	go func() {
		forwarded <- bus.Forward(context.Background(), commerce.NewEnvelope("agg", time.Now(), eventbustest.Tested{Seq: 1}))
	}()
	<-started
	select {
	case err := <-forwarded:
		t.Fatalf("Forward returned (%v) while the handler was still running", err)
	default:
	}
	close(release)
	select {
	case err := <-forwarded:
		require.NoError(t, err)
	case <-time.After(time.Minute):
		t.Fatal("Forward did not return once the event was handled")
	}
}
