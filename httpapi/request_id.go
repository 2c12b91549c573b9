package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// RequestIDHeader carries a request's ID: taken from the request when it
// is sane, generated otherwise, and always sent back in the answer, so a
// client can quote it and an operator find the matching log line.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLength bounds an incoming request ID; longer ones are
// replaced, so a client cannot bloat the logs through it.
const maxRequestIDLength = 128

type requestIDKey struct{}

// withRequestID returns r with its request ID in the context and sets the
// answer's X-Request-Id header.
func withRequestID(w http.ResponseWriter, r *http.Request) *http.Request {
	id := r.Header.Get(RequestIDHeader)
	if !saneRequestID(id) {
		id = newRequestID()
	}
	w.Header().Set(RequestIDHeader, id)
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
}

// RequestID returns the request ID the API gave the request of ctx, ""
// outside a request. Handlers a host wraps around the API may log it.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// saneRequestID accepts an ID made of letters, digits and "-_.:" only, at
// most maxRequestIDLength bytes: what gateways and tracers send, and
// nothing that could forge a log line or a header.
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns 16 random bytes in hex.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
