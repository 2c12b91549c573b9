package monitoring

import (
	"context"
	"github.com/mercatohq/mercato/commerce"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/mercatohq/mercato/notify"
)

// Channel wraps ch so that each send is counted into
// mercato_notifications_total (sent, failed — the notify service retries
// it — or rejected, a permanent failure) and is a client span.
func (m *Metrics) Channel(ch notify.Channel) notify.Channel {
	c := &channel{Channel: ch, m: m, name: ch.Name(), kind: string(ch.Kind())}
	for _, result := range []string{"sent", "failed", "rejected"} {
		m.notifications.WithLabelValues(c.name, c.kind, result) // start at zero
	}
	return c
}

type channel struct {
	notify.Channel
	m          *Metrics
	name, kind string
}

func (c *channel) Send(ctx context.Context, msg notify.Message) (notify.Receipt, error) {
	ctx, end := c.m.startSpan(ctx, "notify.send", trace.SpanKindClient,
		attribute.String("mercato.notify.channel", c.name), attribute.String("mercato.notify.event", msg.Event))
	r, err := c.Channel.Send(ctx, msg)
	end(err)
	result := "sent"
	switch {
	case commerce.IsPermanent(err):
		result = "rejected"
	case err != nil:
		result = "failed"
	}
	c.m.notifications.WithLabelValues(c.name, c.kind, result).Inc()
	return r, err
}
