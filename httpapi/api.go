package httpapi

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/promotion"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/search"
)

// Defaults of [Options].
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultImportMaxBytes = 64 << 20
)

// Services are the services whose routes the API serves: any of them, at
// least one. The routes of a service that is not given are not served
// (404) nor documented. Each field belongs to one service (see Service
// and the package documentation for which routes each owns).
type Services struct {
	// Catalog serves the product routes: products, brands, categories and
	// reviews, in the store and the admin API (ServiceProduct).
	Catalog *catalog.Service
	// Search serves the search routes (ServiceProduct). With a Catalog
	// and no Search, they answer 503.
	Search *search.Service
	// Carts serves the cart routes (ServiceCart).
	Carts *cart.Service
	// Customers serves the routes of customers, sessions and password
	// resets (ServiceUser), and by default verifies the customer tokens
	// of every route (Options.Authenticator).
	Customers *customer.Service
	// Orders serves checkout, orders and returns, in the store and the
	// admin API (ServiceOrder). Checkout needs to read carts: with Orders,
	// give Carts or Options.CartReader.
	Orders *order.Service
	// Inventory serves the admin stock routes (ServiceInventory).
	Inventory *inventory.Service
	// Payments serves the admin payment routes and the payment
	// provider's webhook (ServicePayment).
	Payments *payment.Service
	// Recommendations serves the recommendation routes (ServiceProduct);
	// it needs Catalog, which finds the product asked about.
	Recommendations *recommend.Service
	// Promotions serves the admin routes of promotions, codes and gift
	// cards (ServiceProduct). (Carts take codes whatever; the cart and
	// order services decide what they give.)
	Promotions *promotion.Service
}

// Options configures the API. A nil *Options, or a zero field, means the
// documented default.
type Options struct {
	// AdminKey is the bearer token of the admin API. Empty disables the
	// admin API (its routes answer 403).
	AdminKey string
	// MaxBodyBytes bounds JSON request bodies; larger ones are 413.
	// Default 1 MiB.
	MaxBodyBytes int64
	// ImportMaxBytes bounds a bulk catalog import. Default 64 MiB.
	ImportMaxBytes int64
	// Logger receives server-side failures. Default slog.Default().
	Logger *slog.Logger
	// Activity, when set, counts the views of GET /store/products/{id}
	// for recommendations (see SessionHeader). Optional.
	Activity *recommend.Tracker
	// GuestTokenKey signs the capability tokens of guest carts and orders
	// (X-Cart-Token, X-Order-Token), at least MinGuestTokenKeyLength
	// bytes. Give every instance of a shop the same key, kept secret:
	// whoever holds it can reach any guest cart or order. Empty means a
	// random key made by New, so that guests' tokens stop working when the
	// process restarts and are refused by other instances: fit for tests
	// and demos only.
	GuestTokenKey []byte

	// Authenticator verifies the customer session tokens of the store
	// API. Default Services.Customers. Without either, the API serves
	// guests only: a customer token is 401. A cart-only or an order-only
	// API in its own process passes a client of the user service here.
	Authenticator Authenticator
	// TrustGatewayIdentity makes the API take the customer from the
	// GatewayCustomerHeader and GatewaySessionHeader headers a gateway
	// sets after verifying the bearer token at the edge, instead of
	// verifying the token itself: a request without them is a guest's,
	// one with them malformed is 401. Safe only when the API is reachable
	// through the gateway alone, which removes these headers from what
	// clients send: anyone who can reach the API directly can claim to be
	// any customer. The admin API still checks the admin key.
	TrustGatewayIdentity bool

	// CartReader reads the cart a checkout is for, to know whose it is.
	// Default Services.Carts; required with Services.Orders otherwise.
	CartReader CartReader
	// CustomerReader reads a signed-in buyer's email when a checkout
	// gives none. Default Services.Customers; without either, such a
	// checkout must give the email.
	CustomerReader CustomerReader
	// OrderReader reads the order whose payments the admin lists, so that
	// an unknown order is 404. Default Services.Orders; without either,
	// an unknown order has no payments.
	OrderReader OrderReader
	// SKUReader tells the admin stock reads whether a SKU without stock
	// is the catalog's (zero stock) or unknown (404). Default
	// Services.Catalog; without either, a SKU without stock is 404.
	SKUReader SKUReader
}

// API is the HTTP API: an http.Handler serving the routes of the
// services it is given (the store API under /store, the admin API under
// /admin, the payment provider's webhook), the OpenAPI document of those
// at /openapi.json and a health check at /healthz. Mount it under any
// prefix with http.StripPrefix.
type API struct {
	svc    Services
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	routes []Route
	tokens guestTokens
	// owner is the service whose routes are being registered, while New
	// registers them.
	owner Service
}

// New returns the API serving the routes of the services in svc. No
// service at all, or one without what its routes need (see Services and
// Options), is InvalidArgument.
func New(svc Services, opts *Options) (*API, error) {
	if svc == (Services{}) {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "httpapi: New needs at least one service")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.ImportMaxBytes <= 0 {
		o.ImportMaxBytes = DefaultImportMaxBytes
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	switch {
	case len(o.GuestTokenKey) == 0:
		o.GuestTokenKey = make([]byte, MinGuestTokenKeyLength)
		_, _ = rand.Read(o.GuestTokenKey) // crypto/rand.Read never fails on supported platforms
	case len(o.GuestTokenKey) < MinGuestTokenKeyLength:
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "httpapi: GuestTokenKey is %d bytes, at least %d are required", len(o.GuestTokenKey), MinGuestTokenKeyLength).WithDetail("field", "GuestTokenKey")
	default:
		o.GuestTokenKey = append([]byte(nil), o.GuestTokenKey...)
	}
	defaultReaders(svc, &o)
	switch {
	case svc.Orders != nil && o.CartReader == nil:
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "httpapi: the order routes need Services.Carts or Options.CartReader to check out carts").WithDetail("field", "CartReader")
	case svc.Recommendations != nil && svc.Catalog == nil:
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "httpapi: the recommendation routes need Services.Catalog").WithDetail("field", "Catalog")
	}
	a := &API{svc: svc, opts: o, log: o.Logger, mux: http.NewServeMux(), tokens: guestTokens{key: o.GuestTokenKey}}
	for _, g := range routeGroups() {
		if g.served(svc) {
			a.owner = g.owner
			g.register(a)
		}
	}
	a.owner = ""
	a.openAPIRoute()
	a.healthRoute()
	a.mux.HandleFunc("/", a.unrouted)
	return a, nil
}

// defaultReaders fills the options a service of svc stands for when they
// are not set. Each is set only from a service that is there, never to a
// nil pointer in an interface.
func defaultReaders(svc Services, o *Options) {
	if svc.Customers != nil {
		if o.Authenticator == nil {
			o.Authenticator = svc.Customers
		}
		if o.CustomerReader == nil {
			o.CustomerReader = svc.Customers
		}
	}
	if svc.Carts != nil && o.CartReader == nil {
		o.CartReader = svc.Carts
	}
	if svc.Orders != nil && o.OrderReader == nil {
		o.OrderReader = svc.Orders
	}
	if svc.Catalog != nil && o.SKUReader == nil {
		o.SKUReader = svc.Catalog
	}
}

// ServeHTTP implements http.Handler.
// Every answer carries an X-Request-Id header (see RequestID).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	withID := withRequestID(w, r)
	a.mux.ServeHTTP(w, withID)
	// The mux records the route it matched on the request it was given;
	// the caller's request gets it too, as from a ServeMux of its own, so
	// middleware around the API (metrics, traces) can name the route.
	r.Pattern = withID.Pattern
}

// Routes returns every route the API serves.
func (a *API) Routes() []Route { return append([]Route(nil), a.routes...) }

// add registers rt.
func (a *API) add(rt Route) {
	if rt.Status == 0 {
		rt.Status = http.StatusOK
		if rt.Response == nil {
			rt.Status = http.StatusNoContent
		}
	}
	rt.Service = a.owner
	a.routes = append(a.routes, rt)
	a.mux.HandleFunc(rt.Pattern(), func(w http.ResponseWriter, r *http.Request) {
		r, err := a.authenticate(r, rt.Auth)
		if err == nil {
			err = rt.handle(w, r, &rt)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	})
}

// unrouted answers requests no route takes: 405 with the Allow header
// when the path exists under other methods, 404 otherwise.
func (a *API) unrouted(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		a.writeError(w, r, commerce.Errorf(commerce.CodeNotFound, "no route %s %s", r.Method, r.URL.Path))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeJSON(w, http.StatusMethodNotAllowed, ErrorBody{ErrorDetail{
		Code:      commerce.CodeInvalidArgument,
		Message:   fmt.Sprintf("%s is not allowed on %s; use %s", r.Method, r.URL.Path, strings.Join(allow, ", ")),
		Details:   map[string]any{"allow": allow},
		RequestID: RequestID(r.Context()),
	}})
}
