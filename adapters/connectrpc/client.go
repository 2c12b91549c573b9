package connectrpc

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/retry"
)

// HeaderIdempotencyKey is the header a write carries its idempotency key
// in, besides the key in its input: proxies, logs and traces see it
// without reading the body, and a server refuses a request whose header
// and input disagree.
const HeaderIdempotencyKey = "Idempotency-Key"

// Defaults of ClientOptions.
const (
	DefaultMaxAttempts    = 4
	DefaultInitialBackoff = 50 * time.Millisecond
	DefaultMaxBackoff     = time.Second
)

// ClientOptions configures a client. A nil *ClientOptions, or a zero
// field, takes the documented default.
type ClientOptions struct {
	// MaxAttempts bounds the runs of one idempotent call that the server
	// could not be reached for (Unavailable), the first included; 1 turns
	// retries off. Default DefaultMaxAttempts. The call's context bounds
	// the whole, waits included.
	MaxAttempts int
	// InitialBackoff is the wait after the first failed attempt; each
	// wait doubles, up to MaxBackoff. Defaults DefaultInitialBackoff and
	// DefaultMaxBackoff.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// MaxResponseBytes bounds one response message; 0 means no bound.
	MaxResponseBytes int
	// Logger is told of each retry. Default slog.Default().
	Logger *slog.Logger
	// ClientOptions are added to every call's client, after this
	// package's own: interceptors for tracing or metrics, for example.
	ClientOptions []connect.ClientOption
}

// client is the connection to one service.
type client struct {
	http    connect.HTTPClient
	base    string
	service string
	opts    []connect.ClientOption
	policy  retry.Policy
	log     *slog.Logger
}

// newClient validates baseURL (an absolute http or https URL: the
// server's root, where the service's path is mounted) and resolves o.
func newClient(httpClient connect.HTTPClient, baseURL, service string, o *ClientOptions) (*client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "connectrpc: base URL %q is not an absolute http or https URL", baseURL)
	}
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	var opt ClientOptions
	if o != nil {
		opt = *o
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = DefaultMaxAttempts
	}
	if opt.InitialBackoff <= 0 {
		opt.InitialBackoff = DefaultInitialBackoff
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = DefaultMaxBackoff
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	clientOpts := append([]connect.ClientOption{
		connect.WithCodec(jsonCodec{}),
		connect.WithReadMaxBytes(opt.MaxResponseBytes),
	}, opt.ClientOptions...)
	return &client{
		http: httpClient, base: strings.TrimSuffix(baseURL, "/"), service: service, opts: clientOpts,
		policy: retry.Policy{MaxAttempts: opt.MaxAttempts, Initial: opt.InitialBackoff, Max: opt.MaxBackoff, Multiplier: 2},
		log:    opt.Logger,
	}, nil
}

// endpoint is one procedure of a service, seen from the client.
type endpoint[Req, Res any] struct {
	c         *client
	procedure string
	rpc       *connect.Client[Req, Res]
}

func newEndpoint[Req, Res any](c *client, method string) endpoint[Req, Res] {
	procedure := "/" + c.service + "/" + method
	return endpoint[Req, Res]{c: c, procedure: procedure, rpc: connect.NewClient[Req, Res](c.http, c.base+procedure, c.opts...)}
}

// idempotence says whether a call may run again after an attempt that
// failed Unavailable: whether running it twice has the effect of running
// it once. Reads are; writes are when the service deduplicates them by a
// key the call carries (see the clients' method docs).
type idempotence bool

const (
	idempotent    idempotence = true
	notIdempotent idempotence = false
)

// call runs the procedure with req, sending key (when not empty) as the
// Idempotency-Key header. An idempotent call is retried with backoff when
// an attempt fails Unavailable (the server was not reached or said it
// could not serve), within ctx; any other error ends it at once.
func (e endpoint[Req, Res]) call(ctx context.Context, req *Req, key string, idem idempotence) (Res, error) {
	policy := e.c.policy
	if !idem {
		policy.MaxAttempts = 1
	}
	res, err := retry.Do(ctx, policy, nil, func(int) (Res, error) {
		r := connect.NewRequest(req)
		if key != "" {
			r.Header().Set(HeaderIdempotencyKey, key)
		}
		resp, err := e.rpc.CallUnary(ctx, r)
		if err != nil {
			var res Res
			resultOf(err, &res)
			werr := fromWire(ctx, e.procedure, err)
			if connect.CodeOf(err) != connect.CodeUnavailable {
				return res, final{werr}
			}
			return res, werr
		}
		return *resp.Msg, nil
	}, func(attempt int, err error, wait time.Duration) {
		e.c.log.WarnContext(ctx, "connectrpc: retrying", "procedure", e.procedure, "attempt", attempt, "wait", wait, "error", err)
	})
	var f final
	if errors.As(err, &f) {
		return res, f.err
	}
	return res, err
}

// resultOf decodes into res the result a server sent with its error,
// if any (see withResult).
func resultOf[Res any](err error, res *Res) {
	var wire *connect.Error
	if !errors.As(err, &wire) {
		return
	}
	raw := wire.Meta().Get(headerResult)
	if raw == "" {
		return
	}
	if b, derr := connect.DecodeBinaryHeader(raw); derr == nil {
		var r Res
		if json.Unmarshal(b, &r) == nil {
			*res = r
		}
	}
}

// final marks an error that ends the retries whatever its code (retry.Do
// stops on a permanent error).
type final struct{ err error }

func (f final) Error() string   { return f.err.Error() }
func (f final) Unwrap() error   { return f.err }
func (f final) Permanent() bool { return true }
