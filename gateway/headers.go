package gateway

import (
	"net/http"
	"strings"

	"github.com/mercatohq/mercato/internal/requestid"
)

// The headers in which the gateway tells a service who the caller is,
// once it has verified the caller's session token. A service may trust
// them only when it is reachable solely through the gateway (a private
// network, or mutual TLS between them): anyone who can reach the service
// directly can send them. The gateway always removes every header that
// starts with InternalHeaderPrefix from a client's request before setting
// its own, so a client cannot forge them through the gateway.
const (
	// InternalHeaderPrefix starts every header only the gateway may set.
	InternalHeaderPrefix = "X-Mercato-"
	// CustomerHeader carries the verified customer ID of the session
	// token (commerce.CustomerID).
	CustomerHeader = "X-Mercato-Customer-Id"
	// SessionHeader carries the verified session ID of the session token
	// (commerce.SessionID).
	SessionHeader = "X-Mercato-Session-Id"
)

// RequestIDHeader carries a request's ID, as in the HTTP API: taken from
// the client when sane, minted otherwise, forwarded to the service and
// sent back in the answer.
const RequestIDHeader = requestid.Header

// stripInternal removes every header only the gateway may set. Header
// keys are canonical in a server's request, so a prefix test on them
// finds every spelling a client may have used.
func stripInternal(h http.Header) {
	for k := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), InternalHeaderPrefix) {
			delete(h, k)
		}
	}
}
