package monitoring_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/monitoring"
)

// TestOneTraceFromCheckoutToNotification follows one checkout: the HTTP
// request's span, each checkout step, the payment provider call, then
// across the bus (the trace context rides in the message metadata) the
// notification handler and its send all belong to one trace, each span a
// descendant of the request's.
func TestOneTraceFromCheckoutToNotification(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	s := newShop(t, shopOptions{tracer: tp, instrument: true})
	s.sellable("SKU-1", 1500, 10)
	cart := s.cartWith("SKU-1")

	w := s.checkout(cart, "pm_card_visa")
	require.Equal(t, http.StatusCreated, w.Code, w.Body.String())
	require.NotEmpty(t, w.Header().Get(monitoring.RequestIDHeader))

	ended := func(name string) []sdktrace.ReadOnlySpan {
		var out []sdktrace.ReadOnlySpan
		for _, sp := range rec.Ended() {
			if sp.Name() == name {
				out = append(out, sp)
			}
		}
		return out
	}
	// The handler's span ends after the send it wraps.
	eventually(t, "the confirmation to be sent", func() bool { return len(ended("notify/order.confirmed process")) > 0 })

	requests := ended("POST /api/store/carts/{id}/checkout")
	require.Len(t, requests, 1, "the request's span is named after its route")
	root := requests[0]
	require.Equal(t, trace.SpanKindServer, root.SpanKind())

	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, sp := range rec.Ended() {
		byID[sp.SpanContext().SpanID()] = sp
	}
	descendsFromRoot := func(sp sdktrace.ReadOnlySpan) bool {
		for range 20 {
			if sp.SpanContext().SpanID() == root.SpanContext().SpanID() {
				return true
			}
			parent, ok := byID[sp.Parent().SpanID()]
			if !ok {
				return false
			}
			sp = parent
		}
		return false
	}
	for _, name := range []string{
		"checkout.checkout", "checkout.price", "checkout.create", "checkout.reserve", "checkout.pay",
		"payment.authorize", "notify/order.confirmed process", "notify.send",
	} {
		spans := ended(name)
		require.NotEmpty(t, spans, "no span %s", name)
		sp := spans[0]
		require.Equal(t, root.SpanContext().TraceID(), sp.SpanContext().TraceID(), "%s is in another trace", name)
		require.True(t, descendsFromRoot(sp), "%s does not descend from the request's span", name)
	}
	consumer := ended("notify/order.confirmed process")[0]
	require.Equal(t, trace.SpanKindConsumer, consumer.SpanKind())
	require.True(t, consumer.Parent().IsRemote(), "the handler's span continues the trace from the message metadata")
}

// TestLogHandlerAddsTraceAndRequestIDs shows a log line written with a
// request's context carries its request, trace and span IDs.
func TestLogHandlerAddsTraceAndRequestIDs(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	ctx, span := tp.Tracer("test").Start(monitoring.WithRequestID(context.Background(), "req-123"), "work")
	defer span.End()

	var buf bytes.Buffer
	log := slog.New(monitoring.LogHandler(slog.NewTextHandler(&buf, nil))).With("component", "test")
	log.InfoContext(ctx, "hello")
	line := buf.String()
	require.Contains(t, line, "request_id=req-123")
	require.Contains(t, line, "trace_id="+span.SpanContext().TraceID().String())
	require.Contains(t, line, "span_id="+span.SpanContext().SpanID().String())
	require.Contains(t, line, "component=test")

	buf.Reset()
	log.Info("no context")
	require.NotContains(t, buf.String(), "trace_id")
}
