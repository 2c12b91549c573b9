package monitoring_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/monitoring"
	"github.com/mercatohq/mercato/order"
)

// BenchmarkOverhead measures what each piece of the monitoring adds to
// one operation, apart from the shop: steadier than the whole shop's
// benchmark on a busy machine, and the sum is the request path's cost.
func BenchmarkOverhead(b *testing.B) {
	m, err := monitoring.New(prometheus.NewRegistry(), nil)
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /store/carts/{id}/items", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	req := httptest.NewRequest(http.MethodPost, "/store/carts/crt_1/items", nil)
	b.Run("http/bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			mux.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	monitored := m.Trace(m.HTTP("/api", mux))
	b.Run("http/monitored", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			monitored.ServeHTTP(httptest.NewRecorder(), req)
		}
	})
	obs := m.CheckoutObserver()
	ctx := context.Background()
	b.Run("checkout observer, 5 steps", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, step := range []order.CheckoutStep{order.StepCheckout, order.StepPrice, order.StepCreate, order.StepReserve, order.StepPay} {
				_, end := obs.StartStep(ctx, step)
				end(nil)
			}
		}
	})
	handler := m.BusMiddleware()(func(*message.Message) ([]*message.Message, error) { return nil, nil })
	msg := message.NewMessage("evt_1", nil)
	msg.Metadata.Set(eventbus.MetadataOccurredAt, time.Now().UTC().Format(time.RFC3339Nano))
	b.Run("bus middleware, one attempt", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			msg.SetContext(ctx)
			_, _ = handler(msg)
		}
	})
	count, _ := m.Handler(commerce.EventNameOf[order.Confirmed]())
	env := commerce.NewEnvelope("ord_1", time.Now(), order.Confirmed{Change: order.Change{Order: order.Order{
		CreatedAt: time.Now().Add(-time.Second),
		Totals:    order.Totals{Total: commerce.MustMoney(1500, "USD")},
	}}})
	b.Run("business handler, order.confirmed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = count(ctx, env)
		}
	})
}
