// Package gateway is the edge of Mercato run as separate services: one
// http.Handler in front of the user, product, cart, order, payment,
// inventory and notification services.
//
// For each request the gateway, in order:
//   - gives it a request ID (a sane incoming X-Request-Id, or a new one),
//     forwarded to the service and sent back in the answer;
//   - answers CORS preflights, when Config.CORS is set (github.com/rs/cors);
//   - routes it by path prefix to the service that owns it (Route,
//     DefaultRoutes): a path no route owns is 404, a path with empty or
//     dot segments 400. Routing and the limits below read the path with
//     each segment percent-decoded, as the services' routers do, so
//     "/store/auth/%6Cogin" is the login route and counts against its
//     limit; an escaped slash ("%2F") stays inside its segment, and the
//     service receives the path in that one spelling;
//   - refuses a body over the route's limit with 413;
//   - counts it against the rate limits of its client address (the peer,
//     or X-Forwarded-For from Config.TrustedProxies only), with a stricter
//     allowance on login, registration and password reset, and of its
//     customer once known: past a limit, 429 with Retry-After. With a
//     Limiter in Redis (adapters/redis.RateLimiter) the limits hold across
//     every gateway instance sharing it;
//   - verifies a bearer session token once, with the Authenticator: a
//     malformed, expired or revoked token is 401, and a valid one is
//     forwarded as the customer's and session's IDs in CustomerHeader and
//     SessionHeader, with the Authorization header itself;
//   - sends it to the healthy instance of the service with the fewest
//     requests in flight (equals take turns), within
//     Config.RequestTimeout.
//
// # Trusting the identity headers
//
// The gateway removes every header starting with InternalHeaderPrefix
// from a client's request, so no client can forge CustomerHeader through
// it. A service may therefore take the caller's identity from those
// headers, without verifying the token again, only when it is reachable
// solely through the gateway: on a private network, or behind mutual TLS.
// A service anyone can reach directly must verify the token itself.
//
// # Health
//
// Every instance must answer GET Config.HealthPath ("/healthz") with a
// 2xx while it can serve. The gateway checks each instance every
// Config.HealthInterval, and ejects one that fails its check, refuses a
// connection, or fails Config.EjectAfter requests in a row (no answer in
// time, or a 5xx); an ejected
// instance gets no request until a health check passes again. A service
// with no healthy instance is answered at once with 503 and Retry-After;
// an instance that does not answer in time, 504. The gateway answers its
// own health path with 200 until it is closed.
//
// # Errors
//
// Every error the gateway answers itself has the JSON shape of the HTTP
// API, {"error":{"code","message","details","request_id"}}, with a
// commerce error code. Its message never carries a cause or an address;
// those go to the log, under the request ID. A client's mistake is never
// a 5xx: the only 5xx the gateway answers itself are 503 and 504, for
// services that are down or slow (a service's own answers pass through
// unchanged).
//
// # Lifecycle
//
// New starts the health checks; Close drains: new requests get 503 with
// Retry-After, and Close waits for those in flight until its context
// ends.
package gateway
