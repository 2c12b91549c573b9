package gateway

import (
	"net/http"

	"github.com/mercatohq/mercato/ratelimit"
)

// limitClient counts the request against its client address, and against
// the stricter allowance of a sensitive route, which it recognises by the
// canonical path whatever the client's spelling. It returns the answer of
// a refused request.
func (g *Gateway) limitClient(r *http.Request, client string, path canonicalPath) (answer, bool) {
	if a, refused := g.allow(r, "addr:"+client, g.cfg.ClientLimit); refused {
		return a, true
	}
	if g.sensitive.has(r.Method, path) {
		return g.allow(r, "sensitive:"+client, g.cfg.SensitiveLimit)
	}
	return answer{}, false
}

// allow counts one request for key under the limit. When the limiter
// fails (its store is down) the request is let through and the failure
// logged: an outage of the limits' store must not take the shop down,
// and the services keep their own throttles (the customer service's on
// failed logins).
func (g *Gateway) allow(r *http.Request, key string, lim ratelimit.Limit) (answer, bool) {
	res, err := g.cfg.Limiter.Allow(r.Context(), "gateway:"+key, lim)
	if err != nil {
		g.log.WarnContext(r.Context(), "gateway: rate limit unavailable; request let through", "request_id", requestID(r.Context()), "error", err)
		return answer{}, false
	}
	if !res.Allowed {
		return tooManyRequests(res.RetryAfter), true
	}
	return answer{}, false
}
