package httpapi

import (
	"net/http"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
)

// The headers a gateway forwards the identity it verified in. A gateway
// in front of the services verifies the customer's bearer token once, at
// the edge, removes these headers from what the client sent and sets
// them to the verified customer and session. An API with
// Options.TrustGatewayIdentity takes its caller from them.
const (
	// GatewayCustomerHeader carries the verified customer's ID
	// (commerce.CustomerID, "cus_...").
	GatewayCustomerHeader = "X-Mercato-Customer-Id"
	// GatewaySessionHeader carries the ID of the verified session
	// (commerce.SessionID, "sess_...").
	GatewaySessionHeader = "X-Mercato-Session-Id"
)

// gatewayCaller returns the customer the gateway headers name: nobody
// when both are absent, Unauthenticated when either is malformed, absent
// without the other, or repeated.
func gatewayCaller(h http.Header) (caller, error) {
	customers, sessions := h.Values(GatewayCustomerHeader), h.Values(GatewaySessionHeader)
	if len(customers) == 0 && len(sessions) == 0 {
		return caller{}, nil
	}
	bad := commerce.Errorf(commerce.CodeUnauthenticated, "the %s and %s headers must name one customer and one session", GatewayCustomerHeader, GatewaySessionHeader)
	if len(customers) != 1 || len(sessions) != 1 {
		return caller{}, bad
	}
	id, err := commerce.ParseID[commerce.CustomerID](customers[0])
	if err != nil {
		return caller{}, bad
	}
	session, err := commerce.ParseID[commerce.SessionID](sessions[0])
	if err != nil {
		return caller{}, bad
	}
	return caller{customer: id, session: session}, nil
}

// SetGatewayIdentity sets in h, the headers of a request a gateway
// forwards, the identity it verified: it removes whatever the client sent
// in GatewayCustomerHeader and GatewaySessionHeader, then, unless
// claims names no customer, sets them to claims' customer and session.
func SetGatewayIdentity(h http.Header, claims customer.Claims) {
	h.Del(GatewayCustomerHeader)
	h.Del(GatewaySessionHeader)
	if claims.CustomerID.IsZero() {
		return
	}
	h.Set(GatewayCustomerHeader, claims.CustomerID.String())
	h.Set(GatewaySessionHeader, claims.SessionID.String())
}
