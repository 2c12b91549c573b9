// Package httpapi is Mercato's HTTP API: net/http handlers, on Go 1.22
// ServeMux patterns, over the domain services.
//
// The store API lives under /store (products, search, carts and their
// promotion codes, checkout with gift cards, orders, customers and
// reviews), the admin API under /admin (catalog, stock, orders and their
// transitions, payments, and with Services.Promotions the promotions,
// coupon codes and gift cards) and the payment
// provider's webhook under /webhooks. /openapi.json serves the OpenAPI 3.1
// document of every route the API serves.
//
// Errors are JSON, {"error":{"code","message","details","request_id"}},
// with the HTTP status that fits the commerce error code (see StatusOf).
// Only a client's own mistake is explained (the message names the field);
// a failure of a dependency answers a fixed message per code, never its
// cause, an address or SQL. Every answer carries an X-Request-Id header
// (a sane incoming one is kept), which error bodies quote and the log
// lines of failures carry, with their cause. Request bodies
// are decoded strictly: unknown fields, wrong types and trailing data are
// 400, oversized bodies 413.
//
// Customers authenticate with "Authorization: Bearer <session token>" from
// POST /store/auth/login; the admin API with the admin key as the bearer
// token. A customer's carts and orders are reachable only with that
// customer's token. A guest's cart or order is reachable only with its
// capability token, answered when it was made (cart_token and the
// X-Cart-Token header when the cart is created, order_token and
// X-Order-Token when a guest checks out) and sent back in the X-Cart-Token
// or X-Order-Token header: an ID alone opens nothing. Merging a guest cart
// into a customer's needs that cart's token too. Anything a caller may not
// reach answers the same 404 as a missing resource.
//
// # Services apart
//
// An API serves the routes of the services it is given in Services, any
// of them: one process may serve them all, or each service may serve its
// own routes in a process of its own, behind a gateway. The routes of a
// service that is not given answer 404, as any unknown path. Each group
// of routes belongs to one service (Route.Service; RouteTable lists them
// all):
//
//	user          /store/customers, /store/customers/me, /store/auth/... (sessions, password reset)
//	product       /store/products/..., /store/brands/..., /store/categories/..., /store/search/...,
//	              /store/products/{id}/recommendations, /store/customers/me/recommendations,
//	              /admin/products/..., /admin/brands/..., /admin/categories/...,
//	              /admin/promotions/..., /admin/promotion-codes/..., /admin/gift-cards/...
//	cart          /store/carts, /store/carts/mine, /store/carts/{id}, its items, codes and merge
//	order         /store/carts/{id}/checkout, /store/orders/..., /admin/orders/... (returns included)
//	payment       /admin/payments/..., /admin/orders/{id}/payments, /webhooks/stripe
//	inventory     /admin/inventory/...
//	notification  none: it only reacts to events
//
// A gateway routes by each route's Pattern, not by prefix: the checkout
// of a cart is the order service's, an order's payments the payment
// service's. Every API also serves /openapi.json (its own routes) and
// GET /healthz, 200 {"status":"ok"}, for health checks.
//
// The routes of one service read a little of others through narrow
// interfaces: Authenticator (whose is a bearer token), CartReader (whose
// is the cart a checkout is for), CustomerReader, OrderReader and
// SKUReader. Each defaults to the in-process service that has it and may
// be a client of a service in another process. Behind a gateway that
// verifies tokens at the edge, Options.TrustGatewayIdentity takes the
// customer from the GatewayCustomerHeader and GatewaySessionHeader
// headers instead. Guest tokens need nothing but the key: give every
// process the same Options.GuestTokenKey and a cart token made by the
// cart service opens the checkout on the order service.
//
// An *API is an http.Handler; mount it under any prefix:
//
//	mux.Handle("/api/", http.StripPrefix("/api", api))
package httpapi
