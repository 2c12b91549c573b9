// Package monitoring measures and traces a Mercato shop: Prometheus
// metrics, OpenTelemetry traces, and logs that carry the request and trace
// IDs. It wires into the other packages through their own seams — HTTP
// middleware, the order service's checkout Observer, the bus's handler
// Middleware, a payment.Provider and notify.Channel that wrap the real
// ones, and bus handlers for the business metrics — so no domain package
// imports Prometheus or OpenTelemetry.
//
// # Business metrics
//
// They are computed from domain events, by handlers a host subscribes on
// the bus with Subscribe (the events counted from their header alone
// without decoding their payloads). Whichever process
// emitted an event, exactly one process of the consumer group counts it,
// so the counters summed over all processes are right. Every rate is a
// ratio of counters taken in PromQL over a window W (deploy/monitoring
// records them for W = 1h), never a ratio kept in a process:
//
//   - orders per minute: 60 × rate(mercato_orders_confirmed_total[W]),
//     counted from order.confirmed;
//   - revenue: mercato_revenue_minor_units_total{currency}, the totals of
//     confirmed orders in minor units (cents for USD, yen for JPY), so
//     3600 × rate(...) is revenue per hour in each currency;
//   - cart abandonment rate over W: 1 − (carts converted in W ÷ carts
//     created in W), from cart.converted (a checkout paid for the cart) and
//     cart.created; the share of carts started that were not bought;
//   - conversion rate over W: orders confirmed in W ÷ carts created in W,
//     from order.confirmed and cart.created: the share of shopping
//     sessions — a session shows itself by creating a cart — that end in a
//     paid order. It differs from 1 − abandonment only by checkouts paid
//     but not confirmed (refunded because their stock lapsed) and by
//     carts confirmed in W that were created before it.
//
// Around them: checkouts started (order.created), the time from an
// order's creation to its confirmation (order.confirmed), payment outcomes
// and retries (payment.* events; a retry is an attempt after the first),
// and stock reservations that expired (inventory.released with reason
// "expired").
//
// # Operational metrics
//
// API latency histograms by route pattern and status class, and errors by
// route and commerce error code (Metrics.HTTP); checkout step latency
// and outcome (Metrics.CheckoutObserver); payment provider call latency and
// outcome (Metrics.Provider); bus handler latency, retries, consumer lag
// (the time from an event's occurrence to its handling) and poisoned
// events (Metrics.BusMiddleware, Metrics.PoisonedHandler); notification
// deliveries and failures (Metrics.Channel); and, as collectors a host
// registers, the PostgreSQL outbox's backlog and the age of its oldest
// event (OutboxCollector), and pgx and go-redis pool statistics
// (PgxPoolCollector, RedisPoolCollector).
//
// Labels are bounded: route patterns (never raw paths), status classes,
// commerce error codes, step and handler names, currencies. No ID ever
// becomes a label.
//
// # Traces and logs
//
// With a trace.TracerProvider in Options (none by default: the host
// chooses the exporter), Metrics.Trace starts a span per request
// (through otelhttp), each checkout step and each provider call is a
// child span, Metrics.Backend carries the trace context across the bus in
// the message metadata, and each bus handler attempt and notification send
// continues the trace. LogHandler adds the trace, span and request IDs of
// a record's context to every log line.
package monitoring
