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

// Services are the services the API serves. Catalog, Carts, Customers,
// Orders, Inventory and Payments are required; Search is optional (the
// search routes answer 503 without it).
type Services struct {
	Catalog   *catalog.Service
	Search    *search.Service
	Carts     *cart.Service
	Customers *customer.Service
	Orders    *order.Service
	Inventory *inventory.Service
	Payments  *payment.Service
	// Recommendations is optional: without it the recommendation routes
	// are not served.
	Recommendations *recommend.Service
	// Promotions is optional: without it the admin routes of promotions,
	// codes and gift cards are not served. (Carts take codes whatever;
	// the cart and order services decide what they give.)
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
}

// API is the HTTP API: an http.Handler serving the store API under
// /store, the admin API under /admin, the payment provider's webhook and
// the OpenAPI document at /openapi.json. Mount it under any prefix with
// http.StripPrefix.
type API struct {
	svc    Services
	opts   Options
	log    *slog.Logger
	mux    *http.ServeMux
	routes []Route
	tokens guestTokens
}

// New returns the API over svc. A missing required service is
// InvalidArgument.
func New(svc Services, opts *Options) (*API, error) {
	if svc.Catalog == nil || svc.Carts == nil || svc.Customers == nil || svc.Orders == nil || svc.Inventory == nil || svc.Payments == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "httpapi: New needs the catalog, cart, customer, order, inventory and payment services")
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
	a := &API{svc: svc, opts: o, log: o.Logger, mux: http.NewServeMux(), tokens: guestTokens{key: o.GuestTokenKey}}
	a.productRoutes()
	a.searchRoutes()
	a.cartRoutes()
	a.checkoutRoutes()
	a.orderRoutes()
	a.customerRoutes()
	a.recommendationRoutes()
	a.adminCatalogRoutes()
	a.adminCategoryRoutes()
	a.adminInventoryRoutes()
	a.adminOrderRoutes()
	a.returnRoutes()
	a.adminPaymentRoutes()
	a.adminPromotionRoutes()
	a.webhookRoutes()
	a.openAPIRoute()
	a.mux.HandleFunc("/", a.unrouted)
	return a, nil
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
	a.routes = append(a.routes, rt)
	a.mux.HandleFunc(rt.pattern(), func(w http.ResponseWriter, r *http.Request) {
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
