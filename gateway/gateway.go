package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/rs/cors"

	"github.com/mercatohq/mercato/commerce"
)

// Gateway is the edge of Mercato's services: an http.Handler that routes
// each request to the service owning its path, over that service's
// healthy instances. Build it with New, serve it with an http.Server, and
// Close it to drain. It is safe for concurrent use.
type Gateway struct {
	cfg       Config
	log       *slog.Logger
	routes    routeTable
	sensitive sensitiveSet
	pools     map[string]*pool
	proxy     *httputil.ReverseProxy
	transport http.RoundTripper
	health    *http.Client
	handler   http.Handler // the routing handler, behind CORS when configured

	mu       sync.Mutex
	closed   bool
	inFlight sync.WaitGroup

	stopHealth context.CancelFunc
	healthDone chan struct{}
}

// New returns a Gateway for cfg and starts its health checks, which Close
// stops. A route naming a service without instances, an instance URL that
// is not absolute http(s), or a malformed route or limit is
// InvalidArgument.
func New(cfg Config) (*Gateway, error) {
	cfg = cfg.withDefaults()
	routes, err := newRouteTable(cfg.Routes)
	if err != nil {
		return nil, err
	}
	sensitive, err := newSensitiveSet(cfg.SensitiveRoutes)
	if err != nil {
		return nil, err
	}
	for _, l := range []struct {
		name string
		err  error
	}{{"client", cfg.ClientLimit.Validate()}, {"customer", cfg.CustomerLimit.Validate()}, {"sensitive", cfg.SensitiveLimit.Validate()}} {
		if l.err != nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "gateway: %s limit: %w", l.name, l.err)
		}
	}
	pools, err := newPools(cfg.Services)
	if err != nil {
		return nil, err
	}
	for _, r := range routes.routes {
		if _, ok := pools[r.Service]; !ok {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "gateway: route %q names service %q, which has no instances", r.Prefix, r.Service)
		}
	}

	g := &Gateway{cfg: cfg, log: cfg.Logger, routes: routes, sensitive: sensitive, pools: pools, healthDone: make(chan struct{})}
	g.transport = cfg.Transport
	if g.transport == nil {
		g.transport = &http.Transport{
			DialContext:           (&net.Dialer{Timeout: cfg.DialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:          1024,
			MaxIdleConnsPerHost:   256,
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	}
	g.health = &http.Client{
		Transport:     g.transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	g.proxy = &httputil.ReverseProxy{
		Rewrite:        g.rewrite,
		Transport:      g.transport,
		ModifyResponse: g.observe,
		ErrorHandler:   g.proxyError,
		BufferPool:     newBufferPool(),
		ErrorLog:       slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	g.handler = http.HandlerFunc(g.serve)
	if cfg.CORS != nil {
		g.handler = cors.New(*cfg.CORS).Handler(g.handler)
	}

	ctx, cancel := context.WithCancel(context.Background())
	g.stopHealth = cancel
	if cfg.HealthInterval > 0 {
		go g.runHealthChecks(ctx)
	} else {
		close(g.healthDone)
	}
	return g, nil
}

// newPools parses the instance URLs of every service.
func newPools(services map[string][]string) (map[string]*pool, error) {
	pools := map[string]*pool{}
	names := make([]string, 0, len(services))
	for name := range services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		urls := services[name]
		if len(urls) == 0 {
			continue
		}
		p := &pool{name: name}
		for _, raw := range urls {
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return nil, commerce.Errorf(commerce.CodeInvalidArgument, "gateway: instance %q of service %q must be an absolute http(s) URL without query", raw, name)
			}
			in := &instance{service: name, url: u}
			in.healthy.Store(true) // until a check or a request says otherwise
			p.instances = append(p.instances, in)
		}
		pools[name] = p
	}
	return pools, nil
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = withRequestID(w, r)
	if !g.enter() {
		w.Header().Set("Connection", "close")
		writeAnswer(w, r, draining())
		return
	}
	defer g.inFlight.Done()
	g.handler.ServeHTTP(w, r)
}

// enter admits a request unless the gateway is closing.
func (g *Gateway) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.inFlight.Add(1)
	return true
}

func (g *Gateway) closing() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closed
}

// serve routes, limits, authenticates and forwards one request.
func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.EscapedPath() == g.cfg.HealthPath && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		return
	}
	// Routing, limits and the service all read the one canonical path,
	// never the client's spelling of it.
	path, fault := parsePath(r.URL.EscapedPath())
	if fault != pathOK {
		writeAnswer(w, r, badPath(fault))
		return
	}
	route, ok := g.routes.match(path.segments)
	if !ok {
		writeAnswer(w, r, notFound())
		return
	}
	path.setOn(r.URL)
	stripInternal(r.Header)

	limit := g.cfg.MaxBodyBytes
	if route.MaxBodyBytes > 0 {
		limit = route.MaxBodyBytes
	}
	if r.ContentLength > limit {
		writeAnswer(w, r, tooLarge(limit))
		return
	}

	client := clientAddr(r, g.cfg.TrustedProxies)
	if a, refused := g.limitClient(r, client, path); refused {
		writeAnswer(w, r, a)
		return
	}

	st := &proxyState{client: client, limit: limit}
	if !route.PassAuthorization {
		if a, refused := g.authenticate(r, st); refused {
			writeAnswer(w, r, a)
			return
		}
		if st.customer != "" {
			if a, refused := g.allow(r, "customer:"+st.customer, g.cfg.CustomerLimit); refused {
				writeAnswer(w, r, a)
				return
			}
		}
	}

	p := g.pools[route.Service]
	st.inst = p.pick()
	if st.inst == nil {
		g.log.WarnContext(r.Context(), "gateway: no healthy instance", "request_id", requestID(r.Context()), "service", route.Service, "path", r.URL.Path)
		writeAnswer(w, r, unavailable(g.retryAfterDown()))
		return
	}
	g.forward(w, r, st)
}

// retryAfterDown is when to retry a service with no healthy instance:
// by then a health check has run.
func (g *Gateway) retryAfterDown() time.Duration {
	if g.cfg.HealthInterval > 0 {
		return g.cfg.HealthInterval
	}
	return time.Second
}

// authenticate verifies the request's bearer token, if any, and records
// the customer and session in st. It returns the answer of a refused
// request.
func (g *Gateway) authenticate(r *http.Request, st *proxyState) (answer, bool) {
	token, ok := bearerToken(r)
	if !ok {
		return unauthenticated(`the Authorization header must be "Bearer <token>"`), true
	}
	if token == "" || g.cfg.Authenticator == nil {
		return answer{}, false
	}
	claims, err := g.cfg.Authenticator.Authenticate(r.Context(), token)
	if err != nil {
		switch commerce.Code(err) {
		case commerce.CodeUnavailable, commerce.CodeInternal, "":
			g.log.WarnContext(r.Context(), "gateway: cannot verify a session token", "request_id", requestID(r.Context()), "error", err)
			return unavailable(time.Second), true
		}
		return unauthenticated("the session token is invalid or expired; sign in again"), true
	}
	if claims.CustomerID.IsZero() {
		g.log.WarnContext(r.Context(), "gateway: authenticator accepted a token without a customer", "request_id", requestID(r.Context()))
		return unauthenticated("the session token is invalid or expired; sign in again"), true
	}
	st.customer, st.session = claims.CustomerID.String(), claims.SessionID.String()
	return answer{}, false
}

// proxyState is what the proxy's hooks need to know of a request.
type proxyState struct {
	client   string
	customer string
	session  string
	limit    int64
	inst     *instance
	body     *limitedBody
}

type proxyStateKey struct{}

// errTimeout is the cause of a request's context when RequestTimeout
// passed, told apart from the client going away.
var errTimeout = errors.New("gateway: request timeout")

// forward sends r to st.inst and copies the answer back.
func (g *Gateway) forward(w http.ResponseWriter, r *http.Request, st *proxyState) {
	ctx, cancel := context.WithTimeoutCause(r.Context(), g.cfg.RequestTimeout, errTimeout)
	defer cancel()
	ctx = context.WithValue(ctx, proxyStateKey{}, st)
	r = r.WithContext(ctx)
	if r.Body != nil && r.Body != http.NoBody {
		st.body = &limitedBody{body: r.Body, left: st.limit}
		r.Body = st.body
	}
	st.inst.inFlight.Add(1)
	defer st.inst.inFlight.Add(-1)
	g.proxy.ServeHTTP(w, r)
}

// rewrite points the outgoing request at the chosen instance and sets
// the headers only the gateway may set.
func (g *Gateway) rewrite(pr *httputil.ProxyRequest) {
	st := pr.In.Context().Value(proxyStateKey{}).(*proxyState)
	pr.SetURL(st.inst.url)
	h := pr.Out.Header
	stripInternal(h)
	h.Set(RequestIDHeader, requestID(pr.In.Context()))
	if st.customer != "" {
		h.Set(CustomerHeader, st.customer)
		h.Set(SessionHeader, st.session)
	}
	h.Set("X-Forwarded-For", st.client)
	h.Set("X-Forwarded-Host", pr.In.Host)
	proto := "http"
	if pr.In.TLS != nil {
		proto = "https"
	}
	h.Set("X-Forwarded-Proto", proto)
}

// observe records an instance's answer for passive ejection and keeps the
// gateway's request ID the only one in the answer.
func (g *Gateway) observe(resp *http.Response) error {
	st := resp.Request.Context().Value(proxyStateKey{}).(*proxyState)
	resp.Header.Del(RequestIDHeader)
	if resp.StatusCode >= 500 {
		g.failed(resp.Request.Context(), st, "answered "+resp.Status)
	} else {
		st.inst.succeeded()
	}
	return nil
}

// failed records a failure of st's instance, logging an ejection.
func (g *Gateway) failed(ctx context.Context, st *proxyState, why string) {
	if st.inst.failed(g.cfg.EjectAfter) {
		g.log.WarnContext(ctx, "gateway: instance ejected", "request_id", requestID(ctx), "service", st.inst.service, "instance", st.inst.url.Host, "failure", why)
	}
}

// proxyError answers a request the instance did not answer.
func (g *Gateway) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	st := ctx.Value(proxyStateKey{}).(*proxyState)
	id := requestID(ctx)
	switch {
	case st.body != nil && st.body.exceeded.Load():
		writeAnswer(w, r, tooLarge(st.limit))
	case errors.Is(context.Cause(ctx), errTimeout):
		g.failed(ctx, st, "timeout")
		g.log.WarnContext(ctx, "gateway: service timed out", "request_id", id, "service", st.inst.service, "instance", st.inst.url.Host, "path", r.URL.Path)
		writeAnswer(w, r, gatewayTimeout(time.Second))
	case ctx.Err() != nil:
		// The client went away; nobody reads an answer, and the instance
		// is not at fault.
		g.log.DebugContext(ctx, "gateway: client gone", "request_id", id, "path", r.URL.Path)
		w.WriteHeader(http.StatusServiceUnavailable)
	case refused(err):
		// Nothing listens there: the instance is gone, not slow, so it
		// is ejected at once rather than after EjectAfter requests.
		if st.inst.eject() {
			g.log.WarnContext(ctx, "gateway: instance ejected", "request_id", id, "service", st.inst.service, "instance", st.inst.url.Host, "failure", "connection refused")
		}
		writeAnswer(w, r, unavailable(time.Second))
	default:
		g.failed(ctx, st, "no answer")
		g.log.WarnContext(ctx, "gateway: service failed", "request_id", id, "service", st.inst.service, "instance", st.inst.url.Host, "path", r.URL.Path, "error", err)
		writeAnswer(w, r, unavailable(time.Second))
	}
}

// refused reports whether err is a refused connection to an instance.
func refused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && errors.Is(err, syscall.ECONNREFUSED)
}
