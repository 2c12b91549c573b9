package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// maxRequestIDLength bounds an incoming request ID, as the HTTP API does.
const maxRequestIDLength = 128

type requestIDKey struct{}

// withRequestID gives r its ID (the client's when sane, a new one
// otherwise), sets it on the request to forward and on the answer, and
// returns r with the ID in its context.
func withRequestID(w http.ResponseWriter, r *http.Request) *http.Request {
	id := r.Header.Get(RequestIDHeader)
	if !saneRequestID(id) {
		id = newRequestID()
	}
	r.Header.Set(RequestIDHeader, id)
	w.Header().Set(RequestIDHeader, id)
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
}

// requestID returns the ID of the request of ctx, "" outside one.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// saneRequestID accepts letters, digits and "-_.:" only, at most
// maxRequestIDLength bytes: what tracers and load balancers send, and
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
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
