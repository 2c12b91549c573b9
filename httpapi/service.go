package httpapi

import "net/http"

// Service names one of a shop's services: the owner of a group of routes.
// A gateway in front of several processes sends each route to the
// service that owns it (see RouteTable).
type Service string

// The services of a shop, as the route table names them.
const (
	// ServiceUser owns customers, sessions and password resets.
	ServiceUser Service = "user"
	// ServiceProduct owns the catalog, brands and categories, reviews,
	// search, recommendations and the admin of promotions and gift cards.
	ServiceProduct Service = "product"
	// ServiceCart owns carts and the promotion codes entered in them.
	ServiceCart Service = "cart"
	// ServiceOrder owns checkout, orders and returns, in the store and in
	// the admin API.
	ServiceOrder Service = "order"
	// ServicePayment owns the admin of payments and refunds and the
	// payment provider's webhook.
	ServicePayment Service = "payment"
	// ServiceInventory owns the admin of stock.
	ServiceInventory Service = "inventory"
	// ServiceNotification owns no public route: it only reacts to events.
	ServiceNotification Service = "notification"
)

// AllServices returns every service of a shop, notification included.
func AllServices() []Service {
	return []Service{ServiceUser, ServiceProduct, ServiceCart, ServiceOrder, ServicePayment, ServiceInventory, ServiceNotification}
}

// routeGroup is a group of routes one service owns, served when the
// Services given to New hold what the group needs.
type routeGroup struct {
	owner    Service
	served   func(Services) bool
	register func(*API)
}

// routeGroups returns every group of routes, in the order they are
// registered and documented.
func routeGroups() []routeGroup {
	catalog := func(s Services) bool { return s.Catalog != nil }
	carts := func(s Services) bool { return s.Carts != nil }
	orders := func(s Services) bool { return s.Orders != nil }
	payments := func(s Services) bool { return s.Payments != nil }
	return []routeGroup{
		{ServiceProduct, catalog, (*API).productRoutes},
		// Without a search service the search routes of a catalog answer
		// 503: a shop may run without its index for a while.
		{ServiceProduct, func(s Services) bool { return s.Catalog != nil || s.Search != nil }, (*API).searchRoutes},
		{ServiceCart, carts, (*API).cartRoutes},
		{ServiceOrder, orders, (*API).checkoutRoutes},
		{ServiceOrder, orders, (*API).orderRoutes},
		{ServiceUser, func(s Services) bool { return s.Customers != nil }, (*API).customerRoutes},
		{ServiceProduct, func(s Services) bool { return s.Recommendations != nil }, (*API).recommendationRoutes},
		{ServiceProduct, catalog, (*API).adminCatalogRoutes},
		{ServiceProduct, catalog, (*API).adminCategoryRoutes},
		{ServiceInventory, func(s Services) bool { return s.Inventory != nil }, (*API).adminInventoryRoutes},
		{ServiceOrder, orders, (*API).adminOrderRoutes},
		{ServiceOrder, orders, (*API).returnRoutes},
		{ServicePayment, payments, (*API).adminPaymentRoutes},
		{ServiceProduct, func(s Services) bool { return s.Promotions != nil }, (*API).adminPromotionRoutes},
		{ServicePayment, payments, (*API).webhookRoutes},
	}
}

// RouteTable returns every route an API may serve, whatever services it
// is given, each with the service that owns it (Route.Service). A
// gateway routes by it: it registers each route's Pattern on an
// http.ServeMux of its own and forwards what matches to an instance of
// the route's service. Route by pattern, not by path prefix: a prefix
// does not tell, say, a cart's checkout (order) from the cart (cart).
// The table leaves out the routes every API serves for itself,
// /openapi.json and /healthz.
func RouteTable() []Route {
	a := &API{mux: http.NewServeMux()}
	for _, g := range routeGroups() {
		a.owner = g.owner
		g.register(a)
	}
	out := make([]Route, len(a.routes))
	for i, rt := range a.routes {
		rt.handle = nil
		out[i] = rt
	}
	return out
}

// Services returns the services whose routes the API serves, in the
// order of AllServices.
func (a *API) Services() []Service {
	served := map[Service]bool{}
	for _, rt := range a.routes {
		served[rt.Service] = true
	}
	var out []Service
	for _, s := range AllServices() {
		if served[s] {
			out = append(out, s)
		}
	}
	return out
}
