package gateway

import (
	"context"
	"net/http"
	"strings"

	"github.com/mercatohq/mercato/customer"
)

// Authenticator verifies a customer session token. *customer.Service
// satisfies it in the process that holds the customers; a client of the
// user service satisfies it across processes. A token that is malformed,
// expired or revoked must be commerce.CodeUnauthenticated; a failure to
// check it, commerce.CodeUnavailable.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (customer.Claims, error)
}

// bearerToken returns the request's bearer token: "" and true when there
// is no Authorization header, false when the header is not "Bearer
// <token>".
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", true
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}
