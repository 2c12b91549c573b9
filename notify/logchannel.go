package notify

import (
	"context"
	"log/slog"
)

// LogChannel is a Channel that writes every message to a slog.Logger
// instead of delivering it: the demo's default, and a way to see in
// development what customers would receive. It logs message bodies,
// password-reset links included, so it does not belong in production.
type LogChannel struct {
	kind   Kind
	logger *slog.Logger
}

// NewLogChannel returns a LogChannel of kind (Email or SMS) named
// "log-email" or "log-sms". A nil logger is slog.Default().
func NewLogChannel(kind Kind, logger *slog.Logger) *LogChannel {
	if logger == nil {
		logger = slog.Default()
	}
	return &LogChannel{kind: kind, logger: logger}
}

var _ Channel = (*LogChannel)(nil)

// Name implements Channel.
func (c *LogChannel) Name() string { return "log-" + string(c.kind) }

// Kind implements Channel.
func (c *LogChannel) Kind() Kind { return c.kind }

// Send implements Channel: it logs m at Info level and never fails.
func (c *LogChannel) Send(ctx context.Context, m Message) (Receipt, error) {
	c.logger.LogAttrs(ctx, slog.LevelInfo, "notify: message",
		slog.String("id", m.ID.String()),
		slog.String("event", m.Event),
		slog.String("kind", string(m.Kind)),
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("text", m.Text),
	)
	return Receipt{ProviderRef: m.ID.String()}, nil
}
