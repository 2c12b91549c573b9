package gateway

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/rs/cors"

	"github.com/mercatohq/mercato/ratelimit"
)

// Defaults of Config.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 30 * time.Second
	DefaultDialTimeout    = 2 * time.Second
	DefaultHealthPath     = "/healthz"
	DefaultHealthInterval = 5 * time.Second
	DefaultHealthTimeout  = 2 * time.Second
	DefaultEjectAfter     = 3
)

// DefaultClientLimit holds each client address to 50 requests a second,
// 100 at once.
func DefaultClientLimit() ratelimit.Limit {
	return ratelimit.Limit{Rate: 50, Burst: 100, Period: time.Second}
}

// DefaultCustomerLimit holds each signed-in customer to 20 requests a
// second, 40 at once, wherever they connect from.
func DefaultCustomerLimit() ratelimit.Limit {
	return ratelimit.Limit{Rate: 20, Burst: 40, Period: time.Second}
}

// DefaultSensitiveLimit holds each client address to 10 logins,
// registrations or password resets a minute.
func DefaultSensitiveLimit() ratelimit.Limit { return ratelimit.PerPeriod(10, time.Minute) }

// Config is what a Gateway serves and how. Services is required; every
// other field has a default.
type Config struct {
	// Services maps a service name to the base URLs of its instances,
	// such as "http://10.0.0.7:3003". Every route's service must be here.
	Services map[string][]string
	// Routes is the route table; nil means DefaultRoutes().
	Routes []Route

	// Authenticator verifies customer session tokens at the edge. Nil
	// leaves tokens to the services: the gateway then sets no identity
	// header (and still strips the client's).
	Authenticator Authenticator

	// Limiter counts requests for the rate limits. Give several gateway
	// instances one shared store (adapters/redis.RateLimiter) so that the
	// limits hold across them; nil means a ratelimit.Local of this
	// process only.
	Limiter ratelimit.Limiter
	// ClientLimit bounds the requests of each client address; zero means
	// DefaultClientLimit().
	ClientLimit ratelimit.Limit
	// CustomerLimit bounds the requests of each verified customer; zero
	// means DefaultCustomerLimit().
	CustomerLimit ratelimit.Limit
	// SensitiveLimit bounds, per client address and in addition to
	// ClientLimit, the requests of SensitiveRoutes; zero means
	// DefaultSensitiveLimit().
	SensitiveLimit ratelimit.Limit
	// SensitiveRoutes lists "METHOD /path" requests under SensitiveLimit;
	// nil means DefaultSensitiveRoutes(). A request matches whatever its
	// spelling of the path (percent-escapes, a trailing slash) or case of
	// the method. A path with a dot segment is InvalidArgument.
	SensitiveRoutes []string
	// TrustedProxies are the load balancers in front of the gateway whose
	// X-Forwarded-For is believed. Empty: the client address is the
	// connection's peer and X-Forwarded-For is ignored.
	TrustedProxies []netip.Prefix

	// CORS, when set, answers preflights and adds CORS headers with
	// github.com/rs/cors. Nil adds none, so browsers refuse cross-origin
	// calls. (A zero cors.Options allows every origin.)
	CORS *cors.Options

	// MaxBodyBytes bounds request bodies (a Route may raise it); larger
	// ones are 413. Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout bounds a request's exchange with its service, from
	// sending to the end of the answer; past it the client gets 504.
	// Default DefaultRequestTimeout.
	RequestTimeout time.Duration
	// DialTimeout bounds connecting to an instance. Default
	// DefaultDialTimeout.
	DialTimeout time.Duration

	// HealthPath is the path every instance answers with a 2xx while it
	// can serve; the gateway answers it too. Default DefaultHealthPath.
	HealthPath string
	// HealthInterval is the time between two health checks of an
	// instance; a negative value turns active checks off (an ejected
	// instance then returns only through CheckHealth). Default
	// DefaultHealthInterval.
	HealthInterval time.Duration
	// HealthTimeout bounds one health check. Default
	// DefaultHealthTimeout.
	HealthTimeout time.Duration
	// EjectAfter is how many failed requests in a row (no answer, or a
	// 5xx) eject an instance until a health check passes; a refused
	// connection ejects it at once. Default DefaultEjectAfter.
	EjectAfter int

	// Transport carries requests to the instances; nil means a transport
	// of the gateway's own, tuned for many requests to few hosts.
	Transport http.RoundTripper
	// Logger receives failures and ejections. Default slog.Default().
	Logger *slog.Logger
}

// withDefaults returns c with every unset field at its default.
func (c Config) withDefaults() Config {
	if c.Routes == nil {
		c.Routes = DefaultRoutes()
	}
	if c.Limiter == nil {
		c.Limiter = ratelimit.NewLocal(nil)
	}
	if c.ClientLimit == (ratelimit.Limit{}) {
		c.ClientLimit = DefaultClientLimit()
	}
	if c.CustomerLimit == (ratelimit.Limit{}) {
		c.CustomerLimit = DefaultCustomerLimit()
	}
	if c.SensitiveLimit == (ratelimit.Limit{}) {
		c.SensitiveLimit = DefaultSensitiveLimit()
	}
	if c.SensitiveRoutes == nil {
		c.SensitiveRoutes = DefaultSensitiveRoutes()
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.HealthPath == "" {
		c.HealthPath = DefaultHealthPath
	}
	if c.HealthInterval == 0 {
		c.HealthInterval = DefaultHealthInterval
	}
	if c.HealthTimeout <= 0 {
		c.HealthTimeout = DefaultHealthTimeout
	}
	if c.EjectAfter <= 0 {
		c.EjectAfter = DefaultEjectAfter
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
