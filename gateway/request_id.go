package gateway

import (
	"context"
	"net/http"

	"github.com/mercatohq/mercato/internal/requestid"
)

type requestIDKey struct{}

// withRequestID gives r its ID (the client's when sane, a new one
// otherwise), sets it on the request to forward and on the answer, and
// returns r with the ID in its context.
func withRequestID(w http.ResponseWriter, r *http.Request) *http.Request {
	id := requestid.Of(r)
	r.Header.Set(RequestIDHeader, id)
	w.Header().Set(RequestIDHeader, id)
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
}

// requestID returns the ID of the request of ctx, "" outside one.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
