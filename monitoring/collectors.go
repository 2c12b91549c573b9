package monitoring

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus/pgbus"
)

// outboxRelayGroup is the consumer group pgbus's relays read the outbox
// in; their acknowledged offset is where the backlog starts.
const outboxRelayGroup = "mercato_relay"

// collectTimeout bounds a collector's query, so a slow database cannot
// hold a scrape.
const collectTimeout = 5 * time.Second

// OutboxCollector reports the PostgreSQL outbox of package pgbus:
// mercato_outbox_backlog, the events written but not yet relayed to the
// bus, and mercato_outbox_oldest_event_age_seconds, how long the oldest of
// them has waited (0 when none). topic is the outbox's
// pgbus.OutboxOptions.Topic ("" for pgbus.DefaultOutboxTopic). A failed
// query is logged and reports nothing, so one scrape shows the gap.
func OutboxCollector(pool *pgxpool.Pool, topic string, logger *slog.Logger) (prometheus.Collector, error) {
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "monitoring: OutboxCollector needs a pool")
	}
	if topic == "" {
		topic = pgbus.DefaultOutboxTopic
	}
	// pgbus names its tables watermill_<topic> and watermill_offsets_<topic>;
	// longer names it shortens with a hash, which this collector does not
	// follow.
	const maxIdentifier = 63
	if len("watermill_offsets_"+topic) > maxIdentifier {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "monitoring: outbox topic %q is too long to follow", topic)
	}
	if logger == nil {
		logger = slog.Default()
	}
	messages := pgx.Identifier{"watermill_" + topic}.Sanitize()
	offsets := pgx.Identifier{"watermill_offsets_" + topic}.Sanitize()
	return &outboxCollector{
		pool: pool, log: logger,
		// Unrelayed: past the relay group's acknowledged position, in the
		// order Watermill's PostgreSQL subscriber reads (transaction, offset).
		query: `WITH acked AS (SELECT last_processed_transaction_id AS tx, offset_acked AS off FROM ` + offsets + ` WHERE consumer_group = $1)
SELECT count(*), COALESCE(EXTRACT(EPOCH FROM (LOCALTIMESTAMP - min(m.created_at)))::float8, 0)
FROM ` + messages + ` m
WHERE NOT EXISTS (SELECT 1 FROM acked) OR (m.transaction_id, m."offset") > (SELECT tx, off FROM acked)`,
		backlog: prometheus.NewDesc("mercato_outbox_backlog", "Events in the PostgreSQL outbox not yet relayed to the bus.", nil, nil),
		age:     prometheus.NewDesc("mercato_outbox_oldest_event_age_seconds", "Age of the oldest event in the PostgreSQL outbox not yet relayed (0 when none).", nil, nil),
	}, nil
}

type outboxCollector struct {
	pool         *pgxpool.Pool
	log          *slog.Logger
	query        string
	backlog, age *prometheus.Desc
}

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.backlog; ch <- c.age }

func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), collectTimeout)
	defer cancel()
	var (
		n   int64
		age float64
	)
	if err := c.pool.QueryRow(ctx, c.query, outboxRelayGroup).Scan(&n, &age); err != nil {
		c.log.WarnContext(ctx, "monitoring: outbox query failed", "error", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.backlog, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, max(age, 0))
}

// PgxPoolCollector reports pool's statistics as mercato_pgxpool_*, labelled
// pool=name.
func PgxPoolCollector(pool *pgxpool.Pool, name string) prometheus.Collector {
	l := prometheus.Labels{"pool": name}
	d := func(n, help string) *prometheus.Desc { return prometheus.NewDesc("mercato_pgxpool_"+n, help, nil, l) }
	return &pgxCollector{pool: pool, descs: [...]*prometheus.Desc{
		d("acquired_conns", "Connections currently in use."),
		d("idle_conns", "Idle connections."),
		d("total_conns", "Open connections."),
		d("max_conns", "Maximum size of the pool."),
		d("acquires_total", "Connections acquired."),
		d("empty_acquires_total", "Acquires that had to wait for a connection."),
		d("canceled_acquires_total", "Acquires cancelled by their context."),
		d("acquire_wait_seconds_total", "Total time spent waiting for a connection."),
	}}
}

type pgxCollector struct {
	pool  *pgxpool.Pool
	descs [8]*prometheus.Desc
}

func (c *pgxCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *pgxCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	g, k := prometheus.GaugeValue, prometheus.CounterValue
	for i, v := range []struct {
		t prometheus.ValueType
		v float64
	}{
		{g, float64(s.AcquiredConns())}, {g, float64(s.IdleConns())}, {g, float64(s.TotalConns())}, {g, float64(s.MaxConns())},
		{k, float64(s.AcquireCount())}, {k, float64(s.EmptyAcquireCount())}, {k, float64(s.CanceledAcquireCount())},
		{k, s.AcquireDuration().Seconds()},
	} {
		ch <- prometheus.MustNewConstMetric(c.descs[i], v.t, v.v)
	}
}

// RedisPool is what RedisPoolCollector reads: *redis.Client,
// *redis.ClusterClient and *redis.Ring have it.
type RedisPool interface {
	PoolStats() *goredis.PoolStats
}

// RedisPoolCollector reports client's connection pool as
// mercato_redis_pool_*, labelled pool=name.
func RedisPoolCollector(client RedisPool, name string) prometheus.Collector {
	l := prometheus.Labels{"pool": name}
	d := func(n, help string) *prometheus.Desc {
		return prometheus.NewDesc("mercato_redis_pool_"+n, help, nil, l)
	}
	return &redisCollector{client: client, descs: [...]*prometheus.Desc{
		d("hits_total", "Times a free connection was found in the pool."),
		d("misses_total", "Times no free connection was found in the pool."),
		d("timeouts_total", "Times a wait for a connection timed out."),
		d("total_conns", "Open connections."),
		d("idle_conns", "Idle connections."),
		d("stale_conns_total", "Stale connections removed from the pool."),
	}}
}

type redisCollector struct {
	client RedisPool
	descs  [6]*prometheus.Desc
}

func (c *redisCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *redisCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.client.PoolStats()
	g, k := prometheus.GaugeValue, prometheus.CounterValue
	for i, v := range []struct {
		t prometheus.ValueType
		v float64
	}{
		{k, float64(s.Hits)}, {k, float64(s.Misses)}, {k, float64(s.Timeouts)},
		{g, float64(s.TotalConns)}, {g, float64(s.IdleConns)}, {k, float64(s.StaleConns)},
	} {
		ch <- prometheus.MustNewConstMetric(c.descs[i], v.t, v.v)
	}
}
