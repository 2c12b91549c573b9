package monitoring

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/order"
)

// CheckoutObserver returns the order.Observer to set in order.Options: it
// times each checkout step into mercato_checkout_step_duration_seconds
// and makes each a span, child of the request's.
func (m *Metrics) CheckoutObserver() order.Observer { return checkoutObserver{m} }

type checkoutObserver struct{ m *Metrics }

func (o checkoutObserver) StartStep(ctx context.Context, step order.CheckoutStep) (context.Context, func(error)) {
	start := time.Now()
	ctx, endSpan := o.m.startSpan(ctx, "checkout."+string(step), trace.SpanKindInternal)
	return ctx, func(err error) {
		o.m.checkoutSteps.WithLabelValues(string(step), outcome(err)).Observe(time.Since(start).Seconds())
		endSpan(err)
	}
}
