package postgres_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

var quiet = slog.New(slog.DiscardHandler)

// newPool returns a pool on a fresh, migrated schema.
func newPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool := testenv.Postgres(t)
	if err := postgres.Migrate(context.Background(), pool); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return pool
}

// outboxTo returns a real transactional outbox on pool whose committed
// events reach pub: the outbox table, a relay, an in-process bus and one
// subscriber per event name that register adds to the registry. Suites see
// exactly what a host's bus would see, and nothing from rolled-back
// transactions.
func outboxTo(t testing.TB, pool *pgxpool.Pool, pub commerce.EventPublisher, register func(*commerce.EventRegistry)) postgres.Outbox {
	t.Helper()
	ctx := context.Background()
	registry := commerce.NewEventRegistry()
	register(registry)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Registry: registry, Logger: quiet})
	if err != nil {
		t.Fatalf("bus: %v", err)
	}
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	for _, name := range registry.Names() {
		if err := bus.Subscribe("suite", name, func(ctx context.Context, env commerce.Envelope) error {
			return pub.Publish(ctx, env)
		}); err != nil {
			t.Fatalf("subscribe %s: %v", name, err)
		}
	}
	if err := bus.Start(ctx); err != nil {
		t.Fatalf("start bus: %v", err)
	}
	// No fallback poll within a test: events reach the bus only if the
	// commit (trigger) or the pipelined store (Announce) woke the relay.
	opts := &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 5 * time.Millisecond}, FallbackPollInterval: time.Hour}
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, opts)
	if err != nil {
		t.Fatalf("outbox: %v", err)
	}
	relay, err := pgbus.NewRelay(pool, bus, opts)
	if err != nil {
		t.Fatalf("relay: %v", err)
	}
	if err := relay.Start(ctx); err != nil {
		t.Fatalf("start relay: %v", err)
	}
	t.Cleanup(func() { _ = relay.Close(context.Background()) })
	return outbox
}
