// Package requestid gives an HTTP request its ID: the one the client sent
// when it is sane, a new random one otherwise. The HTTP API and the
// gateway share it, so an ID the gateway forwards is one the API keeps.
package requestid

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
)

// Header carries a request's ID.
const Header = "X-Request-Id"

// maxLength bounds an incoming ID; longer ones are replaced, so a client
// cannot bloat the logs through it.
const maxLength = 128

// Of returns the ID of r: its Header when sane, a new one otherwise.
func Of(r *http.Request) string {
	if id := r.Header.Get(Header); Sane(id) {
		return id
	}
	return New()
}

// Sane accepts letters, digits and "-_.:" only, at most 128 bytes: what
// gateways and tracers send, and nothing that could forge a log line or
// a header.
func Sane(id string) bool {
	if id == "" || len(id) > maxLength {
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

// New returns 16 random bytes in hex.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
