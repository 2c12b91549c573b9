package monitoring

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/mercatohq/mercato/commerce"
)

// Options configures Metrics. A nil *Options, or a zero field, means the
// documented default.
type Options struct {
	// TracerProvider makes the spans; the host picks its exporter (OTLP,
	// stdout, an in-memory recorder in tests). Default: no tracing.
	TracerProvider trace.TracerProvider
	// Propagator carries the trace context in HTTP headers and in bus
	// message metadata. Default: W3C Trace Context and Baggage.
	Propagator propagation.TextMapPropagator
	// Clock measures the consumer lag against events' occurred-at times.
	// Default commerce.SystemClock.
	Clock commerce.Clock
	// Logger receives the collectors' query failures. Default
	// slog.Default().
	Logger *slog.Logger
}

// tracerName names Mercato's tracer.
const tracerName = "github.com/mercatohq/mercato/monitoring"

// Latency buckets, in seconds. Each holds the thresholds of the alert
// rules in deploy/monitoring (0.1 s add to cart, 0.2 s search, 2 s
// checkout, 3 s confirmation, 5 s payment), so a p95 over a threshold is
// exact at the threshold.
var (
	httpBuckets     = []float64{.005, .01, .025, .05, .1, .2, .3, .5, 1, 2, 3, 5, 10}
	checkoutBuckets = []float64{.01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10, 30}
	lagBuckets      = []float64{.01, .05, .1, .5, 1, 5, 10, 30, 60, 300, 900}
)

// Metrics holds every metric Mercato exports and hands out the pieces a
// host wires in: HTTP and Trace (HTTP), CheckoutObserver (order),
// Provider (payment), Channel (notify), BusMiddleware, Backend and
// PoisonedHandler (eventbus), and Events and Handler (the business
// metrics from domain events). Create it with New; it is safe for
// concurrent use.
type Metrics struct {
	opts   Options
	tracer trace.Tracer
	// tracing is false without a TracerProvider: the spans are skipped
	// altogether rather than made by a no-op tracer, which still costs.
	tracing bool

	httpDuration *prometheus.HistogramVec
	httpErrors   *prometheus.CounterVec

	checkoutSteps    *prometheus.HistogramVec
	providerDuration *prometheus.HistogramVec

	busDuration *prometheus.HistogramVec
	busRetries  *prometheus.CounterVec
	busLag      *prometheus.HistogramVec
	busPoisoned *prometheus.CounterVec

	notifications *prometheus.CounterVec

	ordersConfirmed     prometheus.Counter
	revenue             *prometheus.CounterVec
	cartsCreated        prometheus.Counter
	cartsConverted      prometheus.Counter
	checkoutsStarted    prometheus.Counter
	confirmation        prometheus.Histogram
	payments            *prometheus.CounterVec
	paymentRetries      prometheus.Counter
	reservationsExpired prometheus.Counter
}

// New registers Mercato's metrics with reg, the host's registry (a
// prometheus.NewRegistry, or prometheus.DefaultRegisterer), and returns
// them. A nil reg is InvalidArgument; registering twice with one registry
// fails as Prometheus does.
func New(reg prometheus.Registerer, opts *Options) (*Metrics, error) {
	if reg == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "monitoring: New needs a prometheus.Registerer")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	tracing := o.TracerProvider != nil
	if !tracing {
		o.TracerProvider = noop.NewTracerProvider()
	}
	if o.Propagator == nil {
		o.Propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	}
	if o.Clock == nil {
		o.Clock = commerce.SystemClock{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	m := &Metrics{opts: o, tracer: o.TracerProvider.Tracer(tracerName), tracing: tracing}

	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "mercato_http_request_duration_seconds", Help: "HTTP request latency by route pattern and status class (2xx, 4xx...).", Buckets: httpBuckets,
	}, []string{"route", "status_class"})
	m.httpErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mercato_http_errors_total", Help: "HTTP answers of status 400 or more by route pattern, status class and commerce error code.",
	}, []string{"route", "status_class", "code"})
	m.checkoutSteps = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "mercato_checkout_step_duration_seconds", Help: "Checkout step latency by step (checkout is the whole call) and outcome (ok or the commerce error code).", Buckets: checkoutBuckets,
	}, []string{"step", "outcome"})
	m.providerDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "mercato_payment_provider_duration_seconds", Help: "Payment provider call latency by provider, operation and outcome (ok or the commerce error code).", Buckets: checkoutBuckets,
	}, []string{"provider", "operation", "outcome"})
	m.busDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "mercato_bus_handler_duration_seconds", Help: "Bus handler attempt latency by handler (consumer group/event) and outcome (ok or error).", Buckets: checkoutBuckets,
	}, []string{"handler", "outcome"})
	m.busRetries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mercato_bus_handler_retries_total", Help: "Bus handler attempts after the first, by handler.",
	}, []string{"handler"})
	m.busLag = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "mercato_bus_consumer_lag_seconds", Help: "Time from an event's occurrence to the first attempt of a handler on it, by handler.", Buckets: lagBuckets,
	}, []string{"handler"})
	m.busPoisoned = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mercato_bus_poisoned_total", Help: "Events moved to the poison topic, by the handler that failed on them.",
	}, []string{"handler"})
	m.notifications = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mercato_notifications_total", Help: "Notification sends by channel, kind and outcome (sent, failed, rejected: a permanent failure).",
	}, []string{"channel", "kind", "outcome"})

	m.ordersConfirmed = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mercato_orders_confirmed_total", Help: "Orders confirmed (order.confirmed).",
	})
	m.revenue = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mercato_revenue_minor_units_total", Help: "Totals of confirmed orders in minor units of their currency (order.confirmed).",
	}, []string{"currency"})
	m.cartsCreated = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mercato_carts_created_total", Help: "Carts created (cart.created).",
	})
	m.cartsConverted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mercato_carts_converted_total", Help: "Carts checked out and paid for (cart.converted).",
	})
	m.checkoutsStarted = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mercato_checkouts_started_total", Help: "Checkouts that created an order (order.created).",
	})
	m.confirmation = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "mercato_order_confirmation_seconds", Help: "Time from an order's creation to its confirmation (order.confirmed).", Buckets: checkoutBuckets,
	})
	m.payments = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "mercato_payments_total", Help: "Payment outcomes from payment events: authorized, captured, failed, failed_final, refunded, cancelled.",
	}, []string{"outcome"})
	m.paymentRetries = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mercato_payment_retries_total", Help: "Payment attempts after the first (payment.authorized or payment.failed with attempt > 1).",
	})
	m.reservationsExpired = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "mercato_reservations_expired_total", Help: "Stock reservations released because they expired (inventory.released, reason expired).",
	})
	// Known label values start at zero, so dashboards show 0, not "no data".
	for _, outcome := range paymentOutcomes {
		m.payments.WithLabelValues(outcome)
	}

	for _, c := range []prometheus.Collector{
		m.httpDuration, m.httpErrors, m.checkoutSteps, m.providerDuration,
		m.busDuration, m.busRetries, m.busLag, m.busPoisoned, m.notifications,
		m.ordersConfirmed, m.revenue, m.cartsCreated, m.cartsConverted, m.checkoutsStarted,
		m.confirmation, m.payments, m.paymentRetries, m.reservationsExpired,
	} {
		if err := reg.Register(c); err != nil {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "monitoring: register metrics: %w", err)
		}
	}
	return m, nil
}

// outcome is the label of an operation's result: "ok", or its commerce
// error code.
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return string(commerce.Code(err))
}
