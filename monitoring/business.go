package monitoring

import (
	"context"
	"sort"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// paymentOutcomes are the outcome label values of mercato_payments_total.
var paymentOutcomes = []string{"authorized", "captured", "failed", "failed_final", "refunded", "cancelled"}

// eventCounter counts one event into the metrics.
type eventCounter func(m *Metrics, env commerce.Envelope)

// businessEvents maps each event the business metrics read to how it
// counts. The payload is asserted, not trusted: an unexpected type is
// skipped rather than crashing a handler.
var businessEvents = map[string]eventCounter{
	commerce.EventNameOf[cart.Created](): func(m *Metrics, _ commerce.Envelope) { m.cartsCreated.Inc() },
	commerce.EventNameOf[cart.Converted](): func(m *Metrics, _ commerce.Envelope) {
		m.cartsConverted.Inc()
	},
	commerce.EventNameOf[order.Created](): func(m *Metrics, _ commerce.Envelope) { m.checkoutsStarted.Inc() },
	commerce.EventNameOf[order.Confirmed](): func(m *Metrics, env commerce.Envelope) {
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
	},
	commerce.EventNameOf[payment.Authorized](): func(m *Metrics, env commerce.Envelope) {
		m.payments.WithLabelValues("authorized").Inc()
		if e, ok := env.Payload.(payment.Authorized); ok && e.Attempt > 1 {
			m.paymentRetries.Inc()
		}
	},
	commerce.EventNameOf[payment.Captured](): func(m *Metrics, _ commerce.Envelope) { m.payments.WithLabelValues("captured").Inc() },
	commerce.EventNameOf[payment.Failed](): func(m *Metrics, env commerce.Envelope) {
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
	},
	commerce.EventNameOf[payment.Refunded]():  func(m *Metrics, _ commerce.Envelope) { m.payments.WithLabelValues("refunded").Inc() },
	commerce.EventNameOf[payment.Cancelled](): func(m *Metrics, _ commerce.Envelope) { m.payments.WithLabelValues("cancelled").Inc() },
	commerce.EventNameOf[inventory.Released](): func(m *Metrics, env commerce.Envelope) {
		if e, ok := env.Payload.(inventory.Released); ok && e.Reason == inventory.ReleaseReasonExpired {
			m.reservationsExpired.Inc()
		}
	},
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

// Handler returns the bus handler that counts event into the business
// metrics, and false for an event they do not read. A host wires it with
//
//	for _, name := range m.Events() {
//		h, _ := m.Handler(name)
//		bus.Subscribe("monitoring", name, h)
//	}
//
// The handler never fails. Delivery being at-least-once, an event the
// bus redelivers after its deduplication window is counted again.
func (m *Metrics) Handler(event string) (func(ctx context.Context, env commerce.Envelope) error, bool) {
	count, ok := businessEvents[event]
	if !ok {
		return nil, false
	}
	return func(_ context.Context, env commerce.Envelope) error {
		count(m, env)
		return nil
	}, true
}
