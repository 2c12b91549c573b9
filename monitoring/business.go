package monitoring

import (
	"context"
	"fmt"
	"sort"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// paymentOutcomes are the outcome label values of mercato_payments_total.
var paymentOutcomes = []string{"authorized", "captured", "failed", "failed_final", "refunded", "cancelled"}

// eventCounter counts one event into the metrics.
type eventCounter func(m *Metrics, env commerce.Envelope)

// businessEvent is how one event counts into the business metrics.
type businessEvent struct {
	count eventCounter
	// headerOnly marks an event counted from the envelope's header alone:
	// Subscribe has the bus leave its payload undecoded (order.created
	// carries the whole order), so count must not read it.
	headerOnly bool
}

// businessEvents maps each event the business metrics read to how it
// counts. The payload is asserted, not trusted: an unexpected type is
// skipped rather than crashing a handler.
var businessEvents = map[string]businessEvent{
	commerce.EventNameOf[cart.Created]():   {headerOnly: true, count: func(m *Metrics, _ commerce.Envelope) { m.cartsCreated.Inc() }},
	commerce.EventNameOf[cart.Converted](): {headerOnly: true, count: func(m *Metrics, _ commerce.Envelope) { m.cartsConverted.Inc() }},
	commerce.EventNameOf[order.Created]():  {headerOnly: true, count: func(m *Metrics, _ commerce.Envelope) { m.checkoutsStarted.Inc() }},
	commerce.EventNameOf[order.Confirmed](): {count: func(m *Metrics, env commerce.Envelope) {
		e, ok := env.Payload.(order.Confirmed)
		if !ok {
			return
		}
		m.ordersConfirmed.Inc()
		total := e.Order.Totals.Total
		if total.IsPositive() {
			m.revenue.WithLabelValues(string(total.Currency())).Add(float64(total.Amount()))
		}
		if !e.Order.CreatedAt.IsZero() && env.OccurredAt.After(e.Order.CreatedAt) {
			m.confirmation.Observe(env.OccurredAt.Sub(e.Order.CreatedAt).Seconds())
		}
	}},
	commerce.EventNameOf[payment.Authorized](): {count: func(m *Metrics, env commerce.Envelope) {
		m.payments.WithLabelValues("authorized").Inc()
		if e, ok := env.Payload.(payment.Authorized); ok && e.Attempt > 1 {
			m.paymentRetries.Inc()
		}
	}},
	commerce.EventNameOf[payment.Captured](): {headerOnly: true, count: func(m *Metrics, _ commerce.Envelope) { m.payments.WithLabelValues("captured").Inc() }},
	commerce.EventNameOf[payment.Failed](): {count: func(m *Metrics, env commerce.Envelope) {
		e, ok := env.Payload.(payment.Failed)
		if !ok {
			return
		}
		if e.Final {
			m.payments.WithLabelValues("failed_final").Inc()
		} else {
			m.payments.WithLabelValues("failed").Inc()
		}
		if e.Attempt > 1 {
			m.paymentRetries.Inc()
		}
	}},
	commerce.EventNameOf[payment.Refunded]():  {headerOnly: true, count: func(m *Metrics, _ commerce.Envelope) { m.payments.WithLabelValues("refunded").Inc() }},
	commerce.EventNameOf[payment.Cancelled](): {headerOnly: true, count: func(m *Metrics, _ commerce.Envelope) { m.payments.WithLabelValues("cancelled").Inc() }},
	commerce.EventNameOf[inventory.Released](): {count: func(m *Metrics, env commerce.Envelope) {
		if e, ok := env.Payload.(inventory.Released); ok && e.Reason == inventory.ReleaseReasonExpired {
			m.reservationsExpired.Inc()
		}
	}},
}

// Events returns the names of the domain events the business metrics
// count, sorted: a host subscribes a Handler to each, in one consumer
// group shared by all its processes.
func (m *Metrics) Events() []string {
	names := make([]string, 0, len(businessEvents))
	for n := range businessEvents {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Subscribe subscribes the handler of every event the business metrics
// count to bus, in consumer group group (shared by all the host's
// processes). The events counted from their header alone are subscribed
// with SubscribeHeader, so their payloads are never decoded for the
// metrics.
func (m *Metrics) Subscribe(bus *eventbus.Bus, group string) error {
	for _, name := range m.Events() {
		h, _ := m.Handler(name)
		subscribe := bus.Subscribe
		if businessEvents[name].headerOnly {
			subscribe = bus.SubscribeHeader
		}
		if err := subscribe(group, name, h); err != nil {
			return fmt.Errorf("monitoring: subscribe the business metrics to %s: %w", name, err)
		}
	}
	return nil
}

// Handler returns the bus handler that counts event into the business
// metrics, and false for an event they do not read. Subscribe wires them
// all; a host may instead subscribe Handler(name) for each of Events
// itself, with eventbus.Bus.Subscribe, which decodes every payload.
//
// The handler never fails. Delivery being at-least-once, an event the
// bus redelivers after its deduplication window is counted again.
func (m *Metrics) Handler(event string) (func(ctx context.Context, env commerce.Envelope) error, bool) {
	e, ok := businessEvents[event]
	if !ok {
		return nil, false
	}
	return func(_ context.Context, env commerce.Envelope) error {
		e.count(m, env)
		return nil
	}, true
}
