// Storefront is Mercato's demo shop: the whole store in one process.
//
// Run it from the repository root with
//
//	go run ./examples/storefront
//
// With no flags everything is embedded: in-memory stores, the in-process
// event bus, a temporary bleve search index kept current by the search
// indexer from the bus, the fake payment provider (Stripe's test tokens:
// pm_card_visa approves, pm_card_chargeDeclined declines; its webhook
// secret generated at start) and email written to the log by the
// notification service. It seeds a generated catalog of a few hundred
// products with stock, reviews and pictures the shop draws itself,
// listens on 127.0.0.1:8080 (-addr to change) and prints its URLs, the
// admin key and the webhook secret:
//
//   - /         the web shop: browse and search with filters and facets,
//     product pages, the cart, checkout and order status;
//   - /admin    orders with buttons for their next transitions, and stock
//     (log in with the admin key, MERCATO_ADMIN_KEY or the one printed);
//   - /api/     the JSON API of package httpapi (store and admin), with its
//     OpenAPI document at /api/openapi.json;
//   - /healthz  200 once the shop is ready.
//
// Flags, or the MERCATO_* environment variables, switch each part to a
// real backend: -postgres (stores and the transactional outbox), -redis
// (carts), -stripe-key and -stripe-webhook-secret (payments), -smtp
// (email), -nats or -kafka (the bus); -pprof serves net/http/pprof on a
// listener of its own, for profiles under load. Run with -h for the list. SIGINT or
// SIGTERM shuts the shop down gracefully: requests in flight finish, the
// workers stop and the bus drains.
//
// The web pages are server-rendered from embedded templates with plain
// HTML forms, no JavaScript, and call the Go services directly; the API
// is the same services over HTTP. Every form carries a CSRF token; the
// cart and order cookies are signed with a key derived from
// MERCATO_SESSION_KEY (random when unset, so carts end with the process);
// admin sessions live in memory, expire after 12 hours and end at logout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"time"
)

// maxHeaderBytes bounds a request's headers: the shop's cookies take
// well under 4 KiB each.
const maxHeaderBytes = 64 << 10

// shutdownTimeout bounds the graceful shutdown: requests in flight, then
// the bus's handlers.
const shutdownTimeout = 30 * time.Second

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(1)
	}
}

// run runs the shop until ctx ends, then shuts it down gracefully. The
// banner with the URLs goes to stdout, logs to cfg.Logger (default
// stderr).
func run(ctx context.Context, cfg Config, stdout io.Writer) error {
	start := time.Now()
	cfg, err := cfg.resolved(os.Stderr)
	if err != nil {
		return err
	}
	// Listen first: a taken port fails at once, and /healthz answers
	// (503) while the shop is being built.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.PprofAddr != "" {
		stopPprof, err := servePprof(ctx, cfg.PprofAddr, cfg.Logger)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("pprof: %w", err)
		}
		defer stopPprof()
	}
	g := &gate{}
	// A client gets so long to send its request and read the answer:
	// one trickling a body byte by byte does not hold a connection.
	srv := &http.Server{
		Handler:           g,
		ReadHeaderTimeout: cfg.timeouts.ReadHeader,
		ReadTimeout:       cfg.timeouts.Read,
		WriteTimeout:      cfg.timeouts.Write,
		IdleTimeout:       cfg.timeouts.Idle,
		MaxHeaderBytes:    maxHeaderBytes,
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

	s, err := openShop(ctx, cfg, cfg.baseURL(ln.Addr()))
	if err != nil {
		return errors.Join(err, stopServer())
	}
	// Building the shop allocates far more than it keeps (seeding, the
	// index build, the customer service's reference password hash): give
	// that memory back to the system now rather than when the runtime's
	// scavenger gets to it.
	debug.FreeOSMemory()
	g.open(s.handler)
	workersCtx, stopWorkers := context.WithCancel(context.WithoutCancel(ctx))
	waitWorkers := s.runWorkers(workersCtx)
	printBanner(stdout, s, time.Since(start))
	if cfg.onReady != nil {
		cfg.onReady(s)
	}

	select {
	case <-ctx.Done():
	case err = <-served:
		served <- err // for stopServer
	}
	s.log.Info("shutting down")
	err = stopServer()
	stopWorkers()
	waitWorkers()
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	return errors.Join(err, s.Close(cctx))
}

// gate answers /healthz, and every other request with 503 until the shop
// behind it is open.
type gate struct {
	h atomic.Pointer[http.Handler]
}

func (g *gate) open(h http.Handler) { g.h.Store(&h) }

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := g.h.Load()
	if r.URL.Path == "/healthz" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if h == nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "starting")
			return
		}
		fmt.Fprintln(w, "ok")
		return
	}
	if h == nil {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "the shop is starting", http.StatusServiceUnavailable)
		return
	}
	(*h).ServeHTTP(w, r)
}

// printBanner tells the user where the shop is.
func printBanner(w io.Writer, s *shop, took time.Duration) {
	u := s.baseURL
	fmt.Fprintf(w, "Mercato demo shop ready in %s: %s\n\n", took.Round(time.Millisecond), s.seeded)
	fmt.Fprintf(w, "  shop     %s/\n", u)
	fmt.Fprintf(w, "  admin    %s/admin\n", u)
	fmt.Fprintf(w, "  API      %s/api/store/products\n", u)
	fmt.Fprintf(w, "  OpenAPI  %s/api/openapi.json\n", u)
	fmt.Fprintf(w, "  health   %s/healthz\n\n", u)
	if s.cfg.adminKeyGenerated {
		fmt.Fprintf(w, "  admin key %s (generated; set MERCATO_ADMIN_KEY to choose one)\n", s.cfg.AdminKey)
		fmt.Fprintf(w, "            the admin API takes it as \"Authorization: Bearer <key>\"\n\n")
	} else {
		fmt.Fprintf(w, "  admin key from MERCATO_ADMIN_KEY\n\n")
	}
	if s.b.fake != nil {
		fmt.Fprintf(w, "  webhook secret %s (generated; signs the fake provider's webhooks to /api/webhooks/stripe)\n\n", s.cfg.webhookSecret)
	}
	for _, d := range s.b.describe {
		fmt.Fprintf(w, "  %s\n", d)
	}
	fmt.Fprintf(w, "\nPress Ctrl+C to stop.\n")
}
