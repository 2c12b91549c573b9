package connectrpc

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"reflect"

	"connectrpc.com/connect"

	"github.com/mercatohq/mercato/commerce"
)

// DefaultMaxRequestBytes is the largest request message a server reads
// unless ServerOptions says otherwise: far above any cart, reservation or
// payment, far below what would let one caller exhaust a server's memory.
const DefaultMaxRequestBytes = 1 << 20

// compressMinBytes is the smallest response a server gzips (when the
// client accepts it).
const compressMinBytes = 4 << 10

// ServerOptions configures a service's handler. A nil *ServerOptions, or
// a zero field, takes the documented default.
type ServerOptions struct {
	// MaxRequestBytes bounds one request message; a larger one is answered
	// ResourceExhausted without being read. Default DefaultMaxRequestBytes.
	MaxRequestBytes int
	// Logger receives the errors withheld from callers (Internal and
	// Unavailable ones, infrastructure failures) with their causes.
	// Default slog.Default().
	Logger *slog.Logger
	// HandlerOptions are added to every handler, after this package's own:
	// interceptors for tracing or metrics, for example.
	HandlerOptions []connect.HandlerOption
}

// server collects the handlers of one service under its path.
type server struct {
	service string
	mux     *http.ServeMux
	opts    []connect.HandlerOption
	log     *slog.Logger
}

func newServer(service string, o *ServerOptions) *server {
	var opt ServerOptions
	if o != nil {
		opt = *o
	}
	if opt.MaxRequestBytes <= 0 {
		opt.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	handlerOpts := append([]connect.HandlerOption{
		connect.WithCodec(jsonCodec{}),
		connect.WithReadMaxBytes(opt.MaxRequestBytes),
		// Compressing a message of a few hundred bytes costs more CPU than
		// it saves on a service network; larger pages are still gzipped.
		connect.WithCompressMinBytes(compressMinBytes),
	}, opt.HandlerOptions...)
	return &server{service: service, mux: http.NewServeMux(), opts: handlerOpts, log: opt.Logger}
}

// path is the prefix every procedure of the service shares, for
// http.ServeMux.Handle.
func (s *server) path() string { return "/" + s.service + "/" }

// handler returns the path and the handler to mount.
func (s *server) handler() (string, http.Handler) { return s.path(), s.mux }

// handle serves method of the service with fn, which gets the decoded
// request and the request headers. fn's error reaches the caller through
// toWire; what toWire withholds is logged here with its cause.
func handle[Req, Res any](s *server, method string, fn func(ctx context.Context, req *Req, h http.Header) (Res, error)) {
	procedure := s.path() + method
	s.mux.Handle(procedure, connect.NewUnaryHandler(procedure,
		func(ctx context.Context, r *connect.Request[Req]) (*connect.Response[Res], error) {
			res, err := fn(ctx, r.Msg, r.Header())
			if err != nil {
				s.logWithheld(ctx, procedure, err)
				wire := toWire(err)
				withResult(wire, &res)
				return nil, wire
			}
			return connect.NewResponse(&res), nil
		}, s.opts...))
}

// withResult adds res to wire's metadata when it is not the zero value:
// some calls return a result with their error (a declined Authorize
// returns the failed payment), which the caller needs as much as the
// error.
func withResult[Res any](wire *connect.Error, res *Res) {
	if reflect.ValueOf(res).Elem().IsZero() {
		return
	}
	if b, err := json.Marshal(res); err == nil {
		wire.Meta().Set(headerResult, connect.EncodeBinaryHeader(b))
	}
}

// logWithheld logs err when the caller does not get its message: an
// operator finds the cause here.
func (s *server) logWithheld(ctx context.Context, procedure string, err error) {
	if _, shown := commerce.Shown(err); shown {
		return
	}
	code := commerce.Code(err)
	level := slog.LevelWarn
	if code == commerce.CodeInternal {
		level = slog.LevelError
	}
	s.log.Log(ctx, level, "connectrpc: call failed", "procedure", procedure, "code", string(code), "error", err)
}

// idempotencyKey returns the key a write carries in its input, checked
// against the Idempotency-Key header when the caller sent one: the two
// must agree, or the write is InvalidArgument rather than run under a key
// the caller did not mean.
func idempotencyKey(h http.Header, inInput string) error {
	if sent := h.Get(HeaderIdempotencyKey); sent != "" && sent != inInput {
		return commerce.Errorf(commerce.CodeInvalidArgument, "connectrpc: the Idempotency-Key header does not match the request's idempotency key").
			WithDetail("field", "idempotency_key")
	}
	return nil
}
