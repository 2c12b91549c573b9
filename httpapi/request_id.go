package httpapi

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/internal/requestid"
)

// RequestIDHeader carries a request's ID: taken from the request when it
// is sane, generated otherwise, and always sent back in the answer, so a
// client can quote it and an operator find the matching log line.
const RequestIDHeader = requestid.Header

type requestIDKey struct{}

// withRequestID returns r with its request ID in the context and sets the
// answer's X-Request-Id header.
func withRequestID(w http.ResponseWriter, r *http.Request) *http.Request {
	id := requestid.Of(r)
	w.Header().Set(RequestIDHeader, id)
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
}

// RequestID returns the request ID the API gave the request of ctx, ""
// outside a request. Handlers a host wraps around the API may log it.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
