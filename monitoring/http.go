package monitoring

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/commerce"
)

// routeUnmatched labels requests that no route pattern took.
const routeUnmatched = "unmatched"

// HTTP measures next: latency by route and status class, and errors by
// route, status class and commerce error code. next must be the
// http.ServeMux that routes the request (or call it with the same
// *http.Request), because the route is the pattern the mux matched
// (r.Pattern) — never the raw path. prefix is what an http.StripPrefix in
// front removed ("/api"), put back into the label so routes of several
// muxes stay apart. The error code is read from the JSON error body
// ({"error":{"code":...}}) of answers of status 400 or more; other error
// answers are labelled "unknown". The span of the request, if any, is
// named after the route.
func (m *Metrics) HTTP(prefix string, next http.Handler) http.Handler {
	routes := &routeCache{m: m, prefix: prefix, observers: map[routeKey]routeMetrics{}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		rm := routes.get(routeKey{pattern: r.Pattern, class: statusClass(status)})
		rm.duration.Observe(time.Since(start).Seconds())
		if status >= 400 {
			code := rec.code
			if code == "" {
				code = "unknown"
			}
			m.httpErrors.WithLabelValues(rm.route, rm.class, code).Inc()
		}
		if m.tracing {
			if span := trace.SpanFromContext(r.Context()); span.IsRecording() {
				span.SetName(rm.route)
				span.SetAttributes(attribute.String("http.route", rm.route))
			}
		}
	})
}

// routeKey is a pattern a mux matched and the class of the answer.
type routeKey struct{ pattern, class string }

// routeMetrics is what a routeKey measures into.
type routeMetrics struct {
	route, class string
	duration     prometheus.Observer
}

// routeCache keeps each route's label and histogram, so a request costs
// a map lookup rather than building its label and hashing it again. It is
// bounded as the labels are: by the mux's patterns.
type routeCache struct {
	m         *Metrics
	prefix    string
	mu        sync.RWMutex
	observers map[routeKey]routeMetrics
}

func (c *routeCache) get(k routeKey) routeMetrics {
	c.mu.RLock()
	rm, ok := c.observers[k]
	c.mu.RUnlock()
	if ok {
		return rm
	}
	route := routeLabel(c.prefix, k.pattern)
	rm = routeMetrics{route: route, class: k.class, duration: c.m.httpDuration.WithLabelValues(route, k.class)}
	c.mu.Lock()
	c.observers[k] = rm
	c.mu.Unlock()
	return rm
}

// routeLabel turns the pattern a mux matched ("POST /store/carts/{id}")
// into the route label, the prefix put back before the path.
func routeLabel(prefix, pattern string) string {
	if pattern == "" {
		return routeUnmatched
	}
	method, path, found := strings.Cut(pattern, " ")
	if !found {
		return prefix + pattern
	}
	return method + " " + prefix + path
}

// statusClass is "2xx", "4xx"... of status.
func statusClass(status int) string {
	switch {
	case status < 200:
		return "1xx"
	case status < 300:
		return "2xx"
	case status < 400:
		return "3xx"
	case status < 500:
		return "4xx"
	default:
		return "5xx"
	}
}

// statusRecorder remembers the status an answer was sent with and, for an
// error, the commerce code of its JSON body.
type statusRecorder struct {
	http.ResponseWriter
	status  int
	code    string
	sniffed bool
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.status >= 400 && !r.sniffed {
		r.sniffed = true
		r.code = errorCode(b)
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the writer's Flush and
// deadlines.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// errorBodyPrefix is how every JSON error answer of package httpapi
// begins.
var errorBodyPrefix = []byte(`{"error":{"code":"`)

// knownCode reports whether c is one of Mercato's error codes, which
// bounds the code label.
func knownCode(c commerce.ErrorCode) bool {
	switch c {
	case commerce.CodeNotFound, commerce.CodeInvalidArgument, commerce.CodeConflict, commerce.CodeOutOfStock,
		commerce.CodePaymentDeclined, commerce.CodeFailedPrecondition, commerce.CodeUnavailable,
		commerce.CodeUnauthenticated, commerce.CodePermissionDenied, commerce.CodeResourceExhausted, commerce.CodeInternal:
		return true
	}
	return false
}

// errorCode reads the commerce code at the start of a JSON error body; ""
// when the body is not one or the code is not Mercato's.
func errorCode(body []byte) string {
	rest, ok := bytes.CutPrefix(body, errorBodyPrefix)
	if !ok {
		return ""
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return ""
	}
	if code := commerce.ErrorCode(rest[:end]); knownCode(code) {
		return string(code)
	}
	return ""
}
