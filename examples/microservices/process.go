package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/kafkabus"
	"github.com/mercatohq/mercato/eventbus/natsbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
)

// connectTimeout bounds reaching each backend at start.
const connectTimeout = 10 * time.Second

// process is what one service process holds besides its services: the
// bus, its own PostgreSQL schema with the outbox in it, Redis, and what
// to start once the bus runs and to close at the end.
type process struct {
	cfg Config
	log *slog.Logger

	bus *eventbus.Bus
	// pool is confined to the service's own schema (nil until
	// openPostgres); pg makes the stores that write their events into
	// that schema's outbox.
	pool *pgxpool.Pool
	pg   *postgres.Options
	rdb  *goredis.Client

	relays  []relay
	workers []func(context.Context) error
	// closers release what was opened, last first: relays before the
	// bus, the bus (draining its handlers) before the clients they use.
	closers []func(context.Context) error
}

// relay is an outbox relay: pgbus.Relay or redis.OutboxRelay.
type relay interface {
	Start(ctx context.Context) error
	Close(ctx context.Context) error
}

func (p *process) onClose(f func(context.Context) error) { p.closers = append(p.closers, f) }

// closeLast adds f to be closed after everything else: a client the
// bus's handlers and the relays use while they drain.
func (p *process) closeLast(f func(context.Context) error) {
	p.closers = append([]func(context.Context) error{f}, p.closers...)
}

func (p *process) addRelay(r relay) {
	p.relays = append(p.relays, r)
	p.onClose(r.Close)
}

// work adds a background worker, run until the process stops.
func (p *process) work(f func(context.Context) error) { p.workers = append(p.workers, f) }

// close releases everything, last opened first, within ctx.
func (p *process) close(ctx context.Context) error {
	var errs []error
	for i := len(p.closers) - 1; i >= 0; i-- {
		errs = append(errs, p.closers[i](ctx))
	}
	p.closers = nil
	return errors.Join(errs...)
}

// openBus opens the bus on NATS or Kafka. Services subscribe before
// start; start starts it and then the outbox relays.
func (p *process) openBus() error {
	var backend eventbus.Backend
	switch p.cfg.Bus {
	case "kafka":
		var err error
		if backend, err = kafkabus.New(p.cfg.Kafka, &kafkabus.Options{Logger: p.log}); err != nil {
			return fmt.Errorf("kafka bus: %w", err)
		}
	default:
		conn, err := nats.Connect(p.cfg.NATS, nats.Name("mercato-"+p.cfg.Service), nats.Timeout(connectTimeout))
		if err != nil {
			return fmt.Errorf("nats %s: %w", redactURL(p.cfg.NATS), err)
		}
		// The backend never closes the connection: it is ours, closed
		// after the bus.
		p.onClose(func(context.Context) error { conn.Close(); return nil })
		if backend, err = natsbus.New(conn, &natsbus.Options{Logger: p.log}); err != nil {
			return fmt.Errorf("nats bus: %w", err)
		}
	}
	opts := &eventbus.Options{TopicPrefix: p.cfg.TopicPrefix, Logger: p.log}
	bus, err := eventbus.New(backend, opts)
	if err != nil {
		_ = backend.Close()
		return err
	}
	p.bus = bus
	p.onClose(bus.Close)
	return nil
}

// start starts the bus, then the outbox relays.
func (p *process) start(ctx context.Context) error {
	if err := p.bus.Start(ctx); err != nil {
		return fmt.Errorf("start the bus: %w", err)
	}
	for _, r := range p.relays {
		if err := r.Start(ctx); err != nil {
			return fmt.Errorf("start outbox relay: %w", err)
		}
	}
	return nil
}

// openPostgres connects to the service's own schema (creating it when
// missing), brings its tables up to date, and opens its outbox and the
// relay that forwards the outbox to the bus. Only this service's stores
// use the schema: no service reads another's tables.
func (p *process) openPostgres(ctx context.Context) error {
	schema := p.cfg.SchemaPrefix + p.cfg.Service
	pc, err := pgxpool.ParseConfig(p.cfg.Postgres)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := createSchema(cctx, pc.ConnConfig, schema); err != nil {
		return err
	}
	pc.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	pool, err := pgxpool.NewWithConfig(cctx, pc)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	p.closeLast(func(context.Context) error { pool.Close(); return nil })
	if err := pool.Ping(cctx); err != nil {
		return fmt.Errorf("postgres %s:%d: %w", pc.ConnConfig.Host, pc.ConnConfig.Port, err)
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		return fmt.Errorf("postgres migrations in schema %s: %w", schema, err)
	}
	p.pool = pool
	opts := &pgbus.OutboxOptions{Options: pgbus.Options{Logger: p.log}}
	outbox, err := pgbus.NewOutbox(ctx, pool, p.bus, opts)
	if err != nil {
		return fmt.Errorf("postgres outbox: %w", err)
	}
	r, err := pgbus.NewRelay(pool, p.bus, opts)
	if err != nil {
		return fmt.Errorf("postgres outbox relay: %w", err)
	}
	p.addRelay(r)
	p.pg = &postgres.Options{Outbox: outbox}
	return nil
}

// createSchema creates schema unless it exists. Instances of one service
// starting together race to create it; the loser's duplicate is fine.
func createSchema(ctx context.Context, cc *pgx.ConnConfig, schema string) error {
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return fmt.Errorf("postgres %s:%d: %w", cc.Host, cc.Port, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	if err != nil && !strings.Contains(err.Error(), "duplicate key") {
		return fmt.Errorf("postgres: create schema %s: %w", schema, err)
	}
	return nil
}

// openRedis connects to Redis (host:port or a redis:// URL).
func (p *process) openRedis(ctx context.Context) error {
	opts := &goredis.Options{Addr: p.cfg.Redis}
	if strings.Contains(p.cfg.Redis, "://") {
		var err error
		if opts, err = goredis.ParseURL(p.cfg.Redis); err != nil {
			return fmt.Errorf("redis: %w", err)
		}
	}
	rdb := goredis.NewClient(opts)
	p.closeLast(func(context.Context) error { return rdb.Close() })
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := rdb.Ping(cctx).Err(); err != nil {
		return fmt.Errorf("redis %s: %w", opts.Addr, err)
	}
	p.rdb = rdb
	return nil
}

// redactURL hides a password in a URL.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}
