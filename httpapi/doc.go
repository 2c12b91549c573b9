// Package httpapi is Mercato's HTTP API: net/http handlers, on Go 1.22
// ServeMux patterns, over the domain services.
//
// The store API lives under /store (products, search, carts and their
// promotion codes, checkout with gift cards, orders, customers and
// reviews), the admin API under /admin (catalog, stock, orders and their
// transitions, payments, and with Services.Promotions the promotions,
// coupon codes and gift cards) and the payment
// provider's webhook under /webhooks. /openapi.json serves the OpenAPI 3.1
// document of every route.
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
// An *API is an http.Handler; mount it under any prefix:
//
//	mux.Handle("/api/", http.StripPrefix("/api", api))
package httpapi
