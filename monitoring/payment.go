package monitoring

import (
	"context"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// Provider wraps p so that each call to the payment provider is timed
// into mercato_payment_provider_duration_seconds and is a client span.
// Webhook parsing is neither: it is not a call to the provider. The
// wrapper adds nothing else; p's contract is unchanged.
func (m *Metrics) Provider(p payment.Provider) payment.Provider {
	return &provider{next: p, m: m, name: p.Name()}
}

type provider struct {
	next payment.Provider
	m    *Metrics
	name string
}

// call times one provider operation.
func (p *provider) call(ctx context.Context, op string) (context.Context, func(error)) {
	start := time.Now()
	ctx, end := p.m.startSpan(ctx, "payment."+op, trace.SpanKindClient,
		attribute.String("mercato.payment.provider", p.name), attribute.String("mercato.payment.operation", op))
	return ctx, func(err error) {
		p.m.providerDuration.WithLabelValues(p.name, op, outcome(err)).Observe(time.Since(start).Seconds())
		end(err)
	}
}

func (p *provider) Name() string { return p.name }

func (p *provider) Authorize(ctx context.Context, req payment.AuthorizeRequest) (_ payment.ProviderResult, err error) {
	ctx, end := p.call(ctx, "authorize")
	defer func() { end(err) }()
	return p.next.Authorize(ctx, req)
}

func (p *provider) Capture(ctx context.Context, ref string, amount commerce.Money, idempotencyKey string) (_ payment.ProviderResult, err error) {
	ctx, end := p.call(ctx, "capture")
	defer func() { end(err) }()
	return p.next.Capture(ctx, ref, amount, idempotencyKey)
}

func (p *provider) Cancel(ctx context.Context, ref, idempotencyKey string) (_ payment.ProviderResult, err error) {
	ctx, end := p.call(ctx, "cancel")
	defer func() { end(err) }()
	return p.next.Cancel(ctx, ref, idempotencyKey)
}

func (p *provider) Refund(ctx context.Context, ref string, amount commerce.Money, idempotencyKey string) (_ payment.RefundResult, err error) {
	ctx, end := p.call(ctx, "refund")
	defer func() { end(err) }()
	return p.next.Refund(ctx, ref, amount, idempotencyKey)
}

func (p *provider) Lookup(ctx context.Context, req payment.LookupRequest) (_ payment.ProviderResult, err error) {
	ctx, end := p.call(ctx, "lookup")
	defer func() { end(err) }()
	return p.next.Lookup(ctx, req)
}

func (p *provider) ParseWebhook(ctx context.Context, payload []byte, signatureHeader string) (payment.WebhookEvent, error) {
	return p.next.ParseWebhook(ctx, payload, signatureHeader)
}
