package httpapi

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// caller is who made a request: a customer (with the session and the
// session token they used), the admin, or nobody.
type caller struct {
	customer commerce.CustomerID
	session  commerce.SessionID
	// token is the bearer token sent, for the routes that hand it back to
	// the customer service (logout). Behind a gateway it is whatever the
	// gateway forwarded of the Authorization header.
	token string
	admin bool
}

type callerKey struct{}

// callerOf returns the request's caller, set by authenticate.
func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// bearer returns the request's bearer token, "" when there is none.
func bearer(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", nil
	}
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", commerce.Errorf(commerce.CodeUnauthenticated, "the Authorization header must be \"Bearer <token>\"")
	}
	return strings.TrimSpace(token), nil
}

// authenticate establishes the caller a route needs, or returns the 401
// to answer with.
func (a *API) authenticate(r *http.Request, need Auth) (*http.Request, error) {
	token, err := bearer(r)
	if err != nil {
		return r, err
	}
	var c caller
	switch need {
	case Admin:
		if a.opts.AdminKey == "" {
			return r, commerce.Errorf(commerce.CodePermissionDenied, "the admin API is disabled: no admin key is configured")
		}
		if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(a.opts.AdminKey)) != 1 {
			return r, commerce.Errorf(commerce.CodeUnauthenticated, "the admin API needs the admin key as a bearer token")
		}
		c.admin = true
	default:
		if c, err = a.customerCaller(r, token); err != nil {
			return r, err
		}
		if need == Customer && c.customer.IsZero() {
			return r, commerce.Errorf(commerce.CodeUnauthenticated, "sign in first: this route needs a customer session token")
		}
	}
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, c)), nil
}

// customerCaller returns the customer making r, who sent token: the one
// the gateway's headers name when the API trusts them, otherwise the one
// the authenticator finds the token is, nobody without a token.
func (a *API) customerCaller(r *http.Request, token string) (caller, error) {
	if a.opts.TrustGatewayIdentity {
		c, err := gatewayCaller(r.Header)
		c.token = token
		return c, err
	}
	if token == "" {
		return caller{}, nil
	}
	if a.opts.Authenticator == nil {
		return caller{}, commerce.Errorf(commerce.CodeUnauthenticated, "this API serves guests only: it takes no customer session token")
	}
	claims, err := a.opts.Authenticator.Authenticate(r.Context(), token)
	if err != nil {
		return caller{}, err
	}
	return caller{customer: claims.CustomerID, session: claims.SessionID, token: token}, nil
}
