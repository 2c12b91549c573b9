package monitoring

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync/atomic"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/commerce"
)

// RequestIDHeader carries a request's ID in and out.
const RequestIDHeader = "X-Request-ID"

// canonicalRequestIDHeader is RequestIDHeader as net/http keys it.
var canonicalRequestIDHeader = http.CanonicalHeaderKey(RequestIDHeader)

// maxRequestID bounds a request ID taken from the client.
const maxRequestID = 64

type requestIDKey struct{}

// RequestID returns the ID Trace gave the request ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID returns ctx carrying request ID id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// Trace is the outermost HTTP middleware: it gives each request an ID
// (the client's X-Request-ID when it is a short token, otherwise a new
// one), answers it in X-Request-ID, and starts the request's server span
// (otelhttp), continuing a trace the client propagated. Put HTTP
// inside it, around each mux, to name the span after the route.
func (m *Metrics) Trace(next http.Handler) http.Handler {
	ids := newRequestIDs()
	withID := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !validRequestID(id) {
			id = ids.next()
		}
		w.Header()[canonicalRequestIDHeader] = []string{id}
		ctx := WithRequestID(r.Context(), id)
		if m.tracing {
			trace.SpanFromContext(ctx).SetAttributes(attribute.String("mercato.request_id", id))
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
	if !m.tracing {
		return withID
	}
	return otelhttp.NewHandler(withID, "http",
		otelhttp.WithTracerProvider(m.opts.TracerProvider),
		otelhttp.WithPropagators(m.opts.Propagator),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }),
	)
}

// validRequestID accepts a client's request ID only when it is a short
// token of letters, digits and ._-, so it is safe in logs and headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestID {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// startSpan starts a span named name and returns the context carrying it
// and the function that ends it with err.
func (m *Metrics) startSpan(ctx context.Context, name string, kind trace.SpanKind, attrs ...attribute.KeyValue) (context.Context, func(error)) {
	if !m.tracing {
		return ctx, endNothing
	}
	ctx, span := m.tracer.Start(ctx, name, trace.WithSpanKind(kind), trace.WithAttributes(attrs...))
	return ctx, func(err error) {
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, string(commerce.Code(err)))
			span.SetAttributes(attribute.String("mercato.error_code", string(commerce.Code(err))))
		}
		span.End()
	}
}

// endNothing ends the span that was not started.
func endNothing(error) {}

// requestIDs makes request IDs: a random prefix per process and a
// counter, unique without coordination and cheap enough for every
// request. They name a request in logs; they are not secrets.
type requestIDs struct {
	prefix string
	n      atomic.Uint64
}

func newRequestIDs() *requestIDs {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (Go 1.24+)
	return &requestIDs{prefix: "req_" + hex.EncodeToString(b[:]) + "_"}
}

func (g *requestIDs) next() string {
	var buf [48]byte
	out := append(buf[:0], g.prefix...)
	return string(strconv.AppendUint(out, g.n.Add(1), 36))
}
