package gateway

import (
	"sort"
	"strings"

	"github.com/mercatohq/mercato/commerce"
)

// The names of Mercato's seven services, as the default route table and
// Config.Services use them.
const (
	ServiceUser         = "user"
	ServiceProduct      = "product"
	ServiceCart         = "cart"
	ServiceOrder        = "order"
	ServicePayment      = "payment"
	ServiceInventory    = "inventory"
	ServiceNotification = "notification"
)

// Route sends the requests under a path prefix to the service that owns
// them.
type Route struct {
	// Prefix is a path of whole segments, such as "/store/carts": it
	// matches "/store/carts" and everything under it, never
	// "/store/cartsx". A segment "*" matches any one segment, so that
	// "/store/carts/*/checkout" sends checkouts to the order service while
	// the rest of "/store/carts" goes to the cart service. The most
	// specific prefix wins: the longest, then the one whose first
	// differing segment is literal. Segments compare percent-decoded, so
	// "/store/%63arts" is under "/store/carts", while "/store%2Fcarts"
	// (one segment holding a slash) is not.
	Prefix string
	// Service names the service, a key of Config.Services.
	Service string
	// PassAuthorization leaves the Authorization header to the service,
	// unverified: for routes whose bearer token is not a customer session
	// (the admin key) and for providers' webhooks, which sign their bodies.
	PassAuthorization bool
	// MaxBodyBytes, when positive, replaces Config.MaxBodyBytes under this
	// prefix (a bulk import takes more than a JSON body).
	MaxBodyBytes int64
}

// DefaultImportMaxBytes bounds the body of the catalog's bulk import in
// the default route table, as the HTTP API does.
const DefaultImportMaxBytes = 64 << 20

// DefaultRoutes returns the route table of Mercato's public API over the
// seven services:
//
//	/store/auth, /store/customers             user
//	/store/customers/me/recommendations       product
//	/store/products, /store/search            product
//	/admin/products, /admin/categories,
//	/admin/brands, /admin/promotions,
//	/admin/promotion-codes                    product
//	/store/carts                              cart
//	/store/carts/*/checkout                   order
//	/store/orders, /admin/orders,
//	/admin/gift-cards                         order
//	/admin/orders/*/payments, /admin/payments,
//	/webhooks/stripe                          payment
//	/admin/inventory                          inventory
//
// The notification service has no public route. Admin routes and the
// webhook pass their Authorization header through unverified (the
// service checks the admin key; Stripe signs its body). A caller may
// change the returned slice freely.
func DefaultRoutes() []Route {
	admin := func(prefix, service string) Route {
		return Route{Prefix: prefix, Service: service, PassAuthorization: true}
	}
	return []Route{
		{Prefix: "/store/auth", Service: ServiceUser},
		{Prefix: "/store/customers", Service: ServiceUser},
		{Prefix: "/store/customers/me/recommendations", Service: ServiceProduct},
		{Prefix: "/store/products", Service: ServiceProduct},
		{Prefix: "/store/search", Service: ServiceProduct},
		{Prefix: "/store/carts", Service: ServiceCart},
		{Prefix: "/store/carts/*/checkout", Service: ServiceOrder},
		{Prefix: "/store/orders", Service: ServiceOrder},
		admin("/admin/products", ServiceProduct),
		{Prefix: "/admin/products/import", Service: ServiceProduct, PassAuthorization: true, MaxBodyBytes: DefaultImportMaxBytes},
		admin("/admin/categories", ServiceProduct),
		admin("/admin/brands", ServiceProduct),
		admin("/admin/promotions", ServiceProduct),
		admin("/admin/promotion-codes", ServiceProduct),
		admin("/admin/orders", ServiceOrder),
		admin("/admin/gift-cards", ServiceOrder),
		admin("/admin/orders/*/payments", ServicePayment),
		admin("/admin/payments", ServicePayment),
		admin("/webhooks/stripe", ServicePayment),
		admin("/admin/inventory", ServiceInventory),
	}
}

// DefaultSensitiveRoutes are the requests that try a password or send
// mail to an address: login, registration and password reset, which
// Config.SensitiveLimit holds to a stricter allowance per client address.
func DefaultSensitiveRoutes() []string {
	return []string{
		"POST /store/auth/login",
		"POST /store/customers",
		"POST /store/auth/password-reset",
		"POST /store/auth/password-reset/confirm",
	}
}

// compiledRoute is a Route split into its segments.
type compiledRoute struct {
	Route
	segments []string
}

// routeTable finds the route of a path. It is read-only once built.
type routeTable struct {
	routes []compiledRoute // most specific first
}

// newRouteTable checks and orders routes. A prefix that is not an
// absolute path of non-empty segments, or that appears twice in any
// spelling, is InvalidArgument.
func newRouteTable(routes []Route) (routeTable, error) {
	seen := map[string]bool{}
	var t routeTable
	for _, r := range routes {
		c, fault := parsePath(r.Prefix)
		if fault != pathOK || len(c.segments) == 0 {
			return routeTable{}, commerce.Errorf(commerce.CodeInvalidArgument, "gateway: route prefix %q must be an absolute path of non-empty segments, none of them a dot segment", r.Prefix)
		}
		key := c.String()
		if seen[key] {
			return routeTable{}, commerce.Errorf(commerce.CodeInvalidArgument, "gateway: route prefix %q appears twice", r.Prefix)
		}
		seen[key] = true
		if r.Service == "" {
			return routeTable{}, commerce.Errorf(commerce.CodeInvalidArgument, "gateway: route %q names no service", r.Prefix)
		}
		t.routes = append(t.routes, compiledRoute{Route: r, segments: c.segments})
	}
	sort.SliceStable(t.routes, func(i, j int) bool { return moreSpecific(t.routes[i].segments, t.routes[j].segments) })
	return t, nil
}

// moreSpecific orders prefixes: longer first; of equal length, the one
// whose first differing segment is literal where the other's is "*".
func moreSpecific(a, b []string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	for i := range a {
		if (a[i] == "*") != (b[i] == "*") {
			return b[i] == "*"
		}
	}
	return false
}

// match returns the route of the decoded segments segs, if any.
func (t routeTable) match(segs []string) (*compiledRoute, bool) {
	for i := range t.routes {
		r := &t.routes[i]
		if len(segs) < len(r.segments) {
			continue
		}
		ok := true
		for j, s := range r.segments {
			if s != "*" && s != segs[j] {
				ok = false
				break
			}
		}
		if ok {
			return r, true
		}
	}
	return nil, false
}

// sensitiveSet holds the "METHOD /path" requests under the stricter
// limit, each path in its canonical form, so that no spelling of a path
// escapes its limit.
type sensitiveSet map[string]bool

func newSensitiveSet(list []string) (sensitiveSet, error) {
	s := sensitiveSet{}
	for _, e := range list {
		method, p, ok := strings.Cut(e, " ")
		c, fault := parsePath(p)
		if !ok || method == "" || fault != pathOK {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "gateway: sensitive route %q must be \"METHOD /path\"", e)
		}
		s[sensitiveKey(method, c)] = true
	}
	return s, nil
}

func (s sensitiveSet) has(method string, p canonicalPath) bool {
	return s[sensitiveKey(method, p)]
}

// sensitiveKey ignores the method's case: a service's router may not,
// but over-counting a request is harmless where under-counting is not.
func sensitiveKey(method string, p canonicalPath) string {
	return strings.ToUpper(method) + " " + p.String()
}
