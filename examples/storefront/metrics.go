package main

import (
	"log/slog"
	"net/http"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/monitoring"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// metricsGroup is the consumer group of the business metrics' handlers.
const metricsGroup = "monitoring"

// monitor is the shop's metrics, served at /metrics from the shop's own
// registry, and its traces (Config.tracerProvider; none by default). A nil
// *monitor monitors nothing: every method hands back what it was given.
type monitor struct {
	m   *monitoring.Metrics
	reg *prometheus.Registry
}

// newMonitor registers Mercato's metrics and the Go runtime's and the
// process's in a new registry.
func newMonitor(cfg Config) (*monitor, error) {
	reg := prometheus.NewRegistry()
	if err := reg.Register(collectors.NewGoCollector()); err != nil {
		return nil, err
	}
	if err := reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})); err != nil {
		return nil, err
	}
	m, err := monitoring.New(reg, &monitoring.Options{TracerProvider: cfg.tracerProvider, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	return &monitor{m: m, reg: reg}, nil
}

// logger adds the request and trace IDs to log's lines.
func (mo *monitor) logger(log *slog.Logger) *slog.Logger {
	return slog.New(monitoring.LogHandler(log.Handler()))
}

// bus instruments a bus: trace context in the message metadata,
// and the metrics and spans of every handler attempt.
func (mo *monitor) bus(backend eventbus.Backend, opts *eventbus.Options) eventbus.Backend {
	if mo == nil {
		return backend
	}
	opts.Middleware = append(opts.Middleware, mo.m.BusMiddleware())
	return mo.m.Backend(backend)
}

func (mo *monitor) provider(p payment.Provider) payment.Provider {
	if mo == nil {
		return p
	}
	return mo.m.Provider(p)
}

func (mo *monitor) channel(c notify.Channel) notify.Channel {
	if mo == nil {
		return c
	}
	return mo.m.Channel(c)
}

func (mo *monitor) checkout() order.Observer {
	if mo == nil {
		return nil
	}
	return mo.m.CheckoutObserver()
}

// subscribe counts the business metrics and the poisoned events from bus.
// On Kafka it does not: every subscription there is a consumer-group
// member of its own, and a dozen more of them slow the group joins of the
// shop's other handlers too much.
func (mo *monitor) subscribe(bus *eventbus.Bus, cfg Config) error {
	if mo == nil || len(cfg.Kafka) > 0 {
		return nil
	}
	if err := mo.m.Subscribe(bus, metricsGroup); err != nil {
		return err
	}
	return bus.SubscribePoisoned(metricsGroup, mo.m.PoisonedHandler())
}

// watchPostgres reports the outbox and the pool.
func (mo *monitor) watchPostgres(pool *pgxpool.Pool, log *slog.Logger) error {
	if mo == nil {
		return nil
	}
	outbox, err := monitoring.OutboxCollector(pool, "", log)
	if err != nil {
		return err
	}
	if err := mo.reg.Register(outbox); err != nil {
		return err
	}
	return mo.reg.Register(monitoring.PgxPoolCollector(pool, "postgres"))
}

// watchRedis reports the Redis pool.
func (mo *monitor) watchRedis(rdb *goredis.Client) error {
	if mo == nil {
		return nil
	}
	return mo.reg.Register(monitoring.RedisPoolCollector(rdb, "redis"))
}

// route measures mux, mounted behind an http.StripPrefix of prefix.
func (mo *monitor) route(prefix string, mux http.Handler) http.Handler {
	if mo == nil {
		return mux
	}
	return mo.m.HTTP(prefix, mux)
}

// edge wraps the whole shop: request IDs and the request's span, and
// /metrics.
func (mo *monitor) edge(mux *http.ServeMux) http.Handler {
	if mo == nil {
		return mux
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(mo.reg, promhttp.HandlerOpts{}))
	return mo.m.Trace(mux)
}
