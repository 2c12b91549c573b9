package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/adapters/bleve"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/adapters/stripe"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/kafkabus"
	"github.com/mercatohq/mercato/eventbus/natsbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
	"github.com/mercatohq/mercato/promotion"
	"github.com/mercatohq/mercato/ratelimit"
)

// connectTimeout bounds reaching each real backend at start.
const connectTimeout = 10 * time.Second

// backends are the ports of every service, filled by the embedded
// defaults or by the real adapters the Config names, and the bus their
// events travel on. This file is the only place that knows which is
// which.
type backends struct {
	bus      *eventbus.Bus
	catalog  catalog.Store
	customer customer.Store
	carts    cart.Store
	stock    inventory.Store
	payments payment.Store
	orders   order.Store
	// units is the order and stock stores' unit of work when they share
	// a database (order.Options.UnitOfWork).
	units  order.UnitOfWork
	promos promotion.Store
	notes  notify.Store
	// sharded is set when customers, orders and payments are on a shard
	// router: the services then mint IDs that carry their bucket.
	sharded  bool
	provider payment.Provider
	email    notify.Channel
	index    *bleve.Index
	// limiter counts failed logins and reset requests: in Redis when
	// the shop has Redis, nil (in memory) otherwise.
	limiter ratelimit.Limiter

	// fake is the fake payment provider when no Stripe key is set.
	fake *fakeprovider.Provider
	// describe lists what runs where, for the start banner.
	describe []string
	// relays forward the outboxes to the bus; they start once the bus
	// runs, since the in-process bus drops what nobody listens to yet.
	relays []relay
	// closers release what was opened, in reverse order: relays before
	// the bus, the bus (draining its handlers) before the pools, clients
	// and index those handlers use.
	closers []func(context.Context) error
}

// relay is an outbox relay: pgbus.Relay, redis.OutboxRelay or
// memory.Outbox.
type relay interface {
	Start(ctx context.Context) error
	Close(ctx context.Context) error
}

// openBackends opens what cfg asks for. On error everything opened so far
// is closed again.
func openBackends(ctx context.Context, cfg Config, log *slog.Logger) (b *backends, err error) {
	b = &backends{}
	defer func() {
		if err != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), connectTimeout)
			defer cancel()
			_ = b.close(cctx)
			b = nil
		}
	}()
	onClose := func(f func(context.Context) error) { b.closers = append(b.closers, f) }

	// Clients first: the bus's handlers use them while it drains, so they
	// close after it.
	var pool *pgxpool.Pool
	if cfg.PostgresDSN != "" {
		if pool, err = openPostgres(ctx, cfg.PostgresDSN); err != nil {
			return b, err
		}
		onClose(func(context.Context) error { pool.Close(); return nil })
		if err := cfg.monitor.watchPostgres(pool, log); err != nil {
			return b, fmt.Errorf("postgres metrics: %w", err)
		}
	}
	var rdb *goredis.Client
	if cfg.Redis != "" {
		if rdb, err = openRedis(ctx, cfg.Redis); err != nil {
			return b, err
		}
		onClose(func(context.Context) error { return rdb.Close() })
		if err := cfg.monitor.watchRedis(rdb); err != nil {
			return b, fmt.Errorf("redis metrics: %w", err)
		}
	}
	if b.index, err = bleve.New(&bleve.Options{Logger: log}); err != nil {
		return b, fmt.Errorf("search index: %w", err)
	}
	onClose(b.index.Close)
	b.describe = append(b.describe, "search: bleve, temporary, rebuilt from the catalog at start")

	if err := b.openEmail(cfg, log); err != nil {
		return b, err
	}
	if cfg.StripeKey != "" {
		if b.provider, err = stripe.New(cfg.StripeKey, &stripe.Options{WebhookSecret: cfg.StripeWebhookSecret, BaseURL: cfg.stripeURL}); err != nil {
			return b, fmt.Errorf("stripe: %w", err)
		}
		b.describe = append(b.describe, "payments: Stripe (its webhook endpoint is /api/webhooks/stripe)")
	} else {
		// The fake's default secret is public; the shop's is generated.
		// It captures in the authorization call, as Stripe does: a
		// checkout makes one provider call and records one outcome.
		b.fake = fakeprovider.New(&fakeprovider.Options{WebhookSecret: cfg.webhookSecret, AutoCapture: true})
		b.provider = b.fake
		b.describe = append(b.describe, "payments: fake provider with Stripe's test tokens (pm_card_visa approves, pm_card_chargeDeclined declines)")
	}

	if err := b.openBus(cfg, log, onClose); err != nil {
		return b, err
	}

	// The in-process bus takes an event or is closed; a remote one can be
	// down, so the memory stores' events go through an outbox that holds
	// them until it is back, rather than failing writes that stand.
	var events commerce.EventPublisher = b.bus
	if cfg.NATS != "" || len(cfg.Kafka) > 0 {
		outbox, err := memory.NewOutbox(b.bus, &memory.OutboxOptions{Logger: log})
		if err != nil {
			return b, fmt.Errorf("memory outbox: %w", err)
		}
		b.addRelay(outbox, onClose)
		events = outbox
	}
	mem := &memory.Options{Events: events}
	b.catalog, b.customer, b.stock = memory.NewCatalogStore(mem), memory.NewCustomerStore(mem), memory.NewInventoryStore(mem)
	b.payments, b.notes, b.orders = memory.NewPaymentStore(mem), memory.NewNotifyStore(mem), memory.NewOrderStore(mem)
	b.carts = memory.NewCartStore(mem)
	b.promos = memory.NewPromotionStore(mem)
	if pool != nil {
		// Each store writes its events into the outbox in the transaction
		// of the change; the relay forwards them once committed.
		opts := &pgbus.OutboxOptions{Options: pgbus.Options{Logger: log}}
		outbox, err := pgbus.NewOutbox(ctx, pool, b.bus, opts)
		if err != nil {
			return b, fmt.Errorf("postgres outbox: %w", err)
		}
		r, err := pgbus.NewRelay(pool, b.bus, opts)
		if err != nil {
			return b, fmt.Errorf("postgres outbox relay: %w", err)
		}
		b.addRelay(r, onClose)
		pg := &postgres.Options{Outbox: outbox}
		if b.catalog, err = postgres.NewCatalogStore(pool, pg); err != nil {
			return b, err
		}
		if b.customer, err = postgres.NewCustomerStore(pool, pg); err != nil {
			return b, err
		}
		if b.stock, err = postgres.NewInventoryStore(pool, pg); err != nil {
			return b, err
		}
		if b.payments, err = postgres.NewPaymentStore(pool, pg); err != nil {
			return b, err
		}
		if b.notes, err = postgres.NewNotifyStore(pool, pg); err != nil {
			return b, err
		}
		orders, err := postgres.NewOrderStore(pool, pg)
		if err != nil {
			return b, err
		}
		b.orders, b.units = orders, orders
		if b.promos, err = postgres.NewPromotionStore(pool, pg); err != nil {
			return b, err
		}
		b.describe = append(b.describe, "stores: PostgreSQL (catalog, customers, stock, orders, payments, promotions, notifications), events through the outbox")
	} else {
		b.describe = append(b.describe, "stores: memory")
	}
	if len(cfg.PostgresShards) > 0 {
		if err := b.openShards(ctx, cfg, log, onClose); err != nil {
			return b, err
		}
	}
	if cfg.MongoDB != "" {
		if err := b.openMongoCatalog(ctx, cfg.MongoDB, log, onClose); err != nil {
			return b, err
		}
	}
	if rdb != nil {
		store, err := redis.NewCartStore(rdb, &redis.CartOptions{Prefix: cfg.RedisPrefix + redis.DefaultPrefix})
		if err != nil {
			return b, fmt.Errorf("redis carts: %w", err)
		}
		r, err := store.NewOutboxRelay(b.bus, &redis.RelayOptions{Registry: b.bus.Registry(), Logger: log})
		if err != nil {
			return b, fmt.Errorf("redis outbox relay: %w", err)
		}
		b.addRelay(r, onClose)
		b.carts = store
		if b.limiter, err = redis.NewRateLimiter(rdb, cfg.RedisPrefix+"ratelimit:"); err != nil {
			return b, fmt.Errorf("redis rate limiter: %w", err)
		}
		b.describe = append(b.describe, "carts: Redis ("+cfg.RedisPrefix+redis.DefaultPrefix+"{id}, 7-day TTL), events through the Redis outbox")
	}
	return b, nil
}

// openBus opens the event bus on NATS, Kafka or, by default, in process.
func (b *backends) openBus(cfg Config, log *slog.Logger, onClose func(func(context.Context) error)) error {
	var backend eventbus.Backend
	switch {
	case cfg.NATS != "":
		conn, err := nats.Connect(cfg.NATS, nats.Name("mercato-storefront"), nats.Timeout(connectTimeout))
		if err != nil {
			return fmt.Errorf("nats %s: %w", redactURL(cfg.NATS), err)
		}
		// The backend never closes the connection: it is ours, closed
		// after the bus.
		onClose(func(context.Context) error { conn.Close(); return nil })
		if backend, err = natsbus.New(conn, &natsbus.Options{Logger: log}); err != nil {
			return fmt.Errorf("nats bus: %w", err)
		}
		b.describe = append(b.describe, "bus: NATS JetStream at "+redactURL(cfg.NATS))
	case len(cfg.Kafka) > 0:
		var err error
		if backend, err = kafkabus.New(cfg.Kafka, &kafkabus.Options{Logger: log}); err != nil {
			return fmt.Errorf("kafka bus: %w", err)
		}
		b.describe = append(b.describe, "bus: Kafka at "+strings.Join(cfg.Kafka, ","))
	default:
		backend = eventbus.NewGoChannel(log)
		b.describe = append(b.describe, "bus: in process")
	}
	opts := &eventbus.Options{TopicPrefix: cfg.topicPrefix, Logger: log}
	bus, err := eventbus.New(cfg.monitor.bus(backend, opts), opts)
	if err != nil {
		_ = backend.Close()
		return err
	}
	b.bus = bus
	onClose(bus.Close)
	return nil
}

// openEmail picks the email channel: SMTP, or the log.
func (b *backends) openEmail(cfg Config, log *slog.Logger) error {
	if cfg.SMTPAddr == "" {
		b.email = notify.NewLogChannel(notify.Email, log)
		b.describe = append(b.describe, "email: written to the log")
		return nil
	}
	ch, err := smtp.New(&smtp.Options{
		Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, FromName: "Mercato demo shop",
		Username: cfg.SMTPUsername, Password: cfg.SMTPPassword,
	})
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	b.email = ch
	b.closers = append(b.closers, func(context.Context) error { return ch.Close() })
	b.describe = append(b.describe, "email: SMTP via "+cfg.SMTPAddr)
	return nil
}

func (b *backends) addRelay(r relay, onClose func(func(context.Context) error)) {
	b.relays = append(b.relays, r)
	onClose(r.Close)
}

// startRelays starts the outbox relays; call it once the bus runs.
func (b *backends) startRelays(ctx context.Context) error {
	for _, r := range b.relays {
		if err := r.Start(ctx); err != nil {
			return fmt.Errorf("start outbox relay: %w", err)
		}
	}
	return nil
}

// close releases everything, last opened first, within ctx.
func (b *backends) close(ctx context.Context) error {
	var errs []error
	for i := len(b.closers) - 1; i >= 0; i-- {
		errs = append(errs, b.closers[i](ctx))
	}
	b.closers = nil
	return errors.Join(errs...)
}

// openPostgres connects and brings the schema up to date.
func openPostgres(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// Each bus subscriber on the outbox holds a connection while it
	// forwards, and the bus's handlers write through the stores while
	// requests do: under 16 concurrent checkouts a pool of 16 had
	// requests queueing for a connection. Leave room for both unless the
	// DSN sized the pool.
	if !strings.Contains(dsn, "pool_max_conns") && pc.MaxConns < 32 {
		pc.MaxConns = 32
	}
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(cctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(cctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres %s:%d: %w", pc.ConnConfig.Host, pc.ConnConfig.Port, err)
	}
	if err := postgres.Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres migrations: %w", err)
	}
	return pool, nil
}

// openRedis connects to addr, a host:port or a redis:// URL.
func openRedis(ctx context.Context, addr string) (*goredis.Client, error) {
	opts := &goredis.Options{Addr: addr}
	if strings.Contains(addr, "://") {
		var err error
		if opts, err = goredis.ParseURL(addr); err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
	}
	rdb := goredis.NewClient(opts)
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := rdb.Ping(cctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redis %s: %w", opts.Addr, err)
	}
	return rdb, nil
}

// redactURL hides a password in a URL.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}
