package monitoring

import (
	"context"
	"strings"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/eventbus"
)

// BusMiddleware returns the middleware to put in eventbus.Options.Middleware.
// The bus runs it once per attempt of every handler: it times each attempt
// into mercato_bus_handler_duration_seconds, counts attempts after the
// first into mercato_bus_handler_retries_total, measures the consumer lag
// (now minus the event's occurred-at, at the first attempt) into
// mercato_bus_consumer_lag_seconds, and makes each attempt a consumer
// span continuing the trace the publisher put in the message's metadata
// (see Backend).
func (m *Metrics) BusMiddleware() message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			handler := handlerLabel(message.HandlerNameFromCtx(msg.Context()))
			st, ok := msg.Context().Value(deliveryKey{}).(*delivery)
			if !ok {
				// First attempt: remember the publisher's trace for the
				// retries, which reuse this message.
				st = &delivery{}
				base := msg.Context()
				if m.tracing {
					base = m.opts.Propagator.Extract(base, propagation.MapCarrier(msg.Metadata))
				}
				st.base = context.WithValue(base, deliveryKey{}, st)
				if occurred, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(eventbus.MetadataOccurredAt)); err == nil {
					m.busLag.WithLabelValues(handler).Observe(max(0, m.opts.Clock.Now().Sub(occurred).Seconds()))
				}
			} else {
				m.busRetries.WithLabelValues(handler).Inc()
			}
			st.attempts++
			ctx, end := st.base, endNothing
			if m.tracing {
				ctx, end = m.startSpan(st.base, handler+" process", trace.SpanKindConsumer,
					attribute.String("messaging.system", "watermill"),
					attribute.String("messaging.consumer.group.name", handler),
					attribute.String("messaging.message.id", msg.UUID),
					attribute.Int("mercato.bus.attempt", st.attempts))
			}
			msg.SetContext(ctx)
			start := time.Now()
			out, err := h(msg)
			result := "ok"
			if err != nil {
				result = "error"
			}
			m.busDuration.WithLabelValues(handler, result).Observe(time.Since(start).Seconds())
			end(err)
			return out, err
		}
	}
}

// delivery is what the middleware keeps across the attempts of one
// message.
type delivery struct {
	base     context.Context
	attempts int
}

type deliveryKey struct{}

// handlerLabel is a handler's name without the "#2" that tells apart
// several members of one group in one process.
func handlerLabel(name string) string {
	if i := strings.LastIndexByte(name, '#'); i >= 0 {
		name = name[:i]
	}
	if name == "" {
		return "unknown"
	}
	return name
}

// PoisonedHandler returns the handler to subscribe with
// Bus.SubscribePoisoned: it counts each poisoned event into
// mercato_bus_poisoned_total by the handler that failed on it.
func (m *Metrics) PoisonedHandler() func(ctx context.Context, p eventbus.PoisonedEvent) error {
	return func(_ context.Context, p eventbus.PoisonedEvent) error {
		m.busPoisoned.WithLabelValues(handlerLabel(p.Handler)).Inc()
		return nil
	}
}

// Backend wraps a bus backend so that every message published through it
// carries the trace context of the publishing call in its metadata, where
// BusMiddleware finds it on the consuming side, in this process or
// another. Events published with Bus.Publish carry the caller's context;
// events encoded into an outbox (Bus.Encode) are relayed without it.
// When b is an eventbus.HandledBackend (the in-process GoChannel), so is
// the wrapper, so relays still wait for the handlers before they
// acknowledge an event.
func (m *Metrics) Backend(b eventbus.Backend) eventbus.Backend {
	w := &backend{Backend: b, pub: &tracingPublisher{Publisher: b.Publisher(), m: m}}
	if h, ok := b.(eventbus.HandledBackend); ok {
		return &handledBackend{backend: w, handled: &tracingPublisher{Publisher: h.HandledPublisher(), m: m}}
	}
	return w
}

// handledBackend is the wrapper of a backend that offers HandledPublisher.
type handledBackend struct {
	*backend
	handled *tracingPublisher
}

func (b *handledBackend) HandledPublisher() message.Publisher { return b.handled }

type backend struct {
	eventbus.Backend
	pub *tracingPublisher
}

func (b *backend) Publisher() message.Publisher { return b.pub }

type tracingPublisher struct {
	message.Publisher
	m *Metrics
}

func (p *tracingPublisher) Publish(topic string, msgs ...*message.Message) error {
	for _, msg := range msgs {
		if !p.m.tracing {
			break
		}
		if trace.SpanContextFromContext(msg.Context()).IsValid() {
			p.m.opts.Propagator.Inject(msg.Context(), propagation.MapCarrier(msg.Metadata))
		}
	}
	return p.Publisher.Publish(topic, msgs...)
}
