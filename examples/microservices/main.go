// Microservices runs Mercato as separate services behind a gateway, on
// one machine: the same packages as the demo shop, wired across
// processes.
//
// Run it from the repository root with
//
//	go run ./examples/microservices
//
// The supervisor starts, each as a process of its own (this binary run
// again with -service NAME -addr HOST:PORT), the gateway on
// 127.0.0.1:8080 and the services on 127.0.0.1: user 3001, product 3002,
// cart 3003, order 3004, payment 3005, inventory 3006, notification
// 3007. It prints where each is once all answer /healthz, restarts an
// instance that dies, and on Ctrl+C or SIGTERM stops them all: SIGTERM
// to each child's process group (gateways first, so no request arrives
// at a stopped service), up to 40 seconds to drain, then SIGKILL.
//
// Clients use the gateway only: the public API under /api/ (the JSON
// API of package httpapi), /healthz. The gateway routes each request by
// path to the service that owns it, balances over the service's
// instances with health checks, verifies customer tokens once, rate
// limits in Redis and answers 503 with Retry-After for a service that is
// down. The services listen on loopback only: they trust the identity
// the gateway forwards.
//
// Each service owns its data: its own PostgreSQL schema (mercato_user,
// mercato_product, mercato_order...; -schema-prefix to change) in the
// database of -postgres, with its own transactional outbox relayed to
// the bus; the carts in Redis with their own outbox stream. No service
// reads another's tables: they call each other by RPC (Connect, package
// adapters/connectrpc) and hear each other's events on the bus, NATS
// JetStream (-nats) by default or Kafka (-bus kafka -kafka-brokers).
//
// -replicas cart=2,order=2 runs more instances of a service: instance i
// (from 0) listens 100*i above the first, so the carts on 3003 and 3103,
// the orders on 3004 and 3104; a second gateway on 8180.
//
// The shared secrets (admin key, session signing key, guest token key,
// payment webhook secret) come from the environment, MERCATO_ADMIN_KEY,
// MERCATO_SESSION_KEY, MERCATO_GUEST_TOKEN_KEY, MERCATO_WEBHOOK_SECRET,
// generated at start when unset and handed to the children in theirs.
// Once everything is ready the supervisor creates a small demo catalog
// with stock through the gateway's admin API, unless the catalog has
// products already (-demo-catalog=false to skip).
// Payments go through the fake provider, which takes Stripe's test
// tokens (pm_card_visa approves, pm_card_chargeDeclined declines); email
// is written to the notification service's log, or sent through -smtp.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// realMain runs the program with args and returns its exit code.
func realMain(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "microservices:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "microservices:", err)
		return 1
	}
	return 0
}

// run runs one service, or the supervisor when cfg.Service is empty,
// until ctx ends.
func run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	if cfg.Service != "" {
		log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		return runService(ctx, cfg, log)
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find this program to start the services: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("service", "supervisor")
	start := time.Now()
	cfg = cfg.withSecrets()
	s := newSupervisor(cfg, exe, nil, stderr, log)
	return s.run(ctx, func() {
		took := time.Since(start)
		if cfg.DemoCatalog {
			n, err := createDemoCatalog(ctx, "http://"+dialable(cfg.GatewayAddr), cfg.AdminKey)
			if err != nil {
				log.Error("demo catalog not created", "error", err)
			} else if n > 0 {
				log.Info("demo catalog created", "products", n, "units_per_sku", demoStock)
			}
		}
		printTopology(stdout, s, took)
	})
}
