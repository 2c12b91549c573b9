package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Timeouts of a service's HTTP server and its shutdown.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	// shutdownTimeout bounds the drain: requests in flight, then the
	// bus's handlers.
	shutdownTimeout = 30 * time.Second
)

// wiring builds one service over p and returns its handler: the public
// routes it owns, its RPC, both on one port. It subscribes its event
// handlers to p.bus and adds its workers; the runner starts them.
type wiring func(ctx context.Context, p *process) (http.Handler, error)

// wirings are the services by name. Each is in a file of its own.
var wirings = map[string]wiring{
	svcGateway:      wireGateway,
	svcUser:         wireUser,
	svcProduct:      wireProduct,
	svcCart:         wireCart,
	svcOrder:        wireOrder,
	svcPayment:      wirePayment,
	svcInventory:    wireInventory,
	svcNotification: wireNotification,
}

// runService runs cfg.Service on cfg.Addr until ctx ends, then drains:
// the server stops taking requests and finishes those in flight, the
// workers stop, the relays stop and the bus drains its handlers.
func runService(ctx context.Context, cfg Config, log *slog.Logger) error {
	// Listen first: a taken port fails at once, and /healthz answers
	// (503) while the service is being built.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	g := &gate{}
	srv := &http.Server{
		Handler:           g,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	stopServer := func() error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		err := srv.Shutdown(sctx)
		if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
			err = errors.Join(err, serr)
		}
		return err
	}

	p := &process{cfg: cfg, log: log}
	closeProcess := func() error {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		return p.close(cctx)
	}
	h, err := open(ctx, p)
	if err != nil {
		return errors.Join(fmt.Errorf("%s: %w", cfg.Service, err), stopServer(), closeProcess())
	}
	workersCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, w := range p.workers {
		wg.Go(func() {
			if err := w(workersCtx); err != nil && !errors.Is(err, context.Canceled) {
				log.Error("worker stopped", "error", err)
			}
		})
	}
	g.open(h)
	log.Info("ready", "service", cfg.Service, "addr", ln.Addr().String())

	select {
	case <-ctx.Done():
	case err = <-served:
		served <- err // for stopServer
	}
	log.Info("shutting down")
	g.drain()
	err = stopServer()
	stopWorkers()
	wg.Wait()
	return errors.Join(err, closeProcess())
}

// open opens the bus, builds the service and starts the bus and the
// relays.
func open(ctx context.Context, p *process) (http.Handler, error) {
	if p.cfg.Service != svcGateway {
		if err := p.openBus(); err != nil {
			return nil, err
		}
	}
	h, err := wirings[p.cfg.Service](ctx, p)
	if err != nil {
		return nil, err
	}
	if p.bus != nil {
		if err := p.start(ctx); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// instanceGroup names the consumer groups of this instance alone (see
// consumerGroup), for handlers that keep per-instance state (an
// in-memory index): every instance must see every event.
func instanceGroup(name, addr string) string {
	return name + "-" + strings.NewReplacer(":", "-", ".", "-", "[", "", "]", "").Replace(dialable(addr))
}

// gate answers /healthz, and every other request with 503 until the
// service behind it is open. Once draining, /healthz answers 503 so
// balancers stop sending before the server closes.
type gate struct {
	h        atomic.Pointer[http.Handler]
	draining atomic.Bool
}

func (g *gate) open(h http.Handler) { g.h.Store(&h) }

func (g *gate) drain() { g.draining.Store(true) }

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := g.h.Load()
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case g.draining.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "draining\n")
		case h == nil:
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "starting\n")
		default:
			_, _ = io.WriteString(w, "ok\n")
		}
		return
	}
	if h == nil {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "the service is starting", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}
