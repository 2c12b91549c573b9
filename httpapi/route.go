package httpapi

import "net/http"

// Auth is what a route asks of its caller.
type Auth int

// The authentication levels of routes.
const (
	// Public routes need nothing; a bearer token, when sent, must be
	// valid and makes the caller that customer.
	Public Auth = iota
	// Customer routes need a valid customer session token.
	Customer
	// Admin routes need the admin key as the bearer token.
	Admin
)

// Param documents a query parameter of a route.
type Param struct {
	Name        string
	Description string
	// Type is the JSON Schema type of the value: "string", "integer",
	// "number" or "boolean". Default "string".
	Type     string
	Required bool
	// Repeated parameters may be given several times (?brand=a&brand=b).
	Repeated bool
}

// Route is one operation of the API, as registered and as documented in
// the OpenAPI document.
type Route struct {
	Method string
	// Path is the Go 1.22 ServeMux path, e.g. "/store/carts/{id}".
	Path    string
	Summary string
	Tag     string
	Auth    Auth
	Query   []Param
	// Header names a required request header (Idempotency-Key), if any.
	Header string
	// TokenHeader names the capability header a guest resource needs
	// (X-Cart-Token, X-Order-Token), if any; a customer's own resource
	// needs their session token instead.
	TokenHeader string
	// Request is a value of the JSON request body's type, nil when the
	// route takes no body.
	Request any
	// OptionalBody marks a Request body the client may leave out.
	OptionalBody bool
	// RequestType is the body's media type; default application/json.
	// Request then describes one record of it (application/x-ndjson).
	RequestType string
	// Response is a value of the JSON response body's type, nil for 204.
	Response any
	// Status is the success status; default 200, or 204 without Response.
	Status int
	// Service is the service that owns the route, which a gateway sends
	// it to; empty for /openapi.json, which every API serves for itself.
	Service Service

	handle handler
}

// handler serves a request for rt, the route it is registered as, and
// returns the error to answer with, if any. It answers rt.Status on
// success and reads an optional body when rt.OptionalBody says so, so
// that a route does what it documents; the adapters of handlers.go do
// both. Every request of the route shares rt: a handler only reads it.
type handler func(w http.ResponseWriter, r *http.Request, rt *Route) error

// Pattern is the route's http.ServeMux pattern, "METHOD /path/{wildcard}":
// a gateway registers it to route as the API does.
func (rt Route) Pattern() string { return rt.Method + " " + rt.Path }
