package eventbus

import (
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/retry"
)

// Options configures a Bus. The zero value (or nil) is a sensible default.
type Options struct {
	// Registry decodes payloads by event name. Handle registers its event
	// type here automatically. Default: NewRegistry(), which holds every
	// event of Mercato's domain packages.
	Registry *commerce.EventRegistry

	// TopicPrefix is prepended to every topic, so several shops (or tests)
	// can share one broker. At most 64 characters of [A-Za-z0-9_-].
	TopicPrefix string

	// Retry controls in-process retries of a failing handler.
	Retry RetryPolicy

	// PoisonTopic receives events whose handler failed on every attempt.
	// It is prefixed like every other topic. Default: "poison".
	PoisonTopic string

	// Deduplicator skips events a group has already handled. Default: a
	// MemoryDeduplicator with a 10-minute window.
	Deduplicator Deduplicator

	// CloseTimeout bounds how long Close waits for in-flight handlers when
	// its context has no deadline. Default: 30s.
	CloseTimeout time.Duration

	// Logger receives the bus's and Watermill's logs; Watermill's info
	// logs are demoted to debug. Default: slog.Default().
	Logger *slog.Logger

	// Clock is used by the default deduplicator. Default: the system clock.
	Clock commerce.Clock

	// Middleware wraps every handler, first in the list outermost, for the
	// host's tracing and metrics. Unlike a Watermill router middleware it
	// runs inside the bus's own chain: once per attempt (inside the retries,
	// deduplication and poisoning, so it never sees a skipped duplicate),
	// with a handler panic already turned into the error it returns. The
	// message's context is the one the handler gets; a middleware may
	// replace it with msg.SetContext. Default: none.
	Middleware []message.HandlerMiddleware
}

// RetryPolicy is exponential backoff between attempts of one handler call.
// A handler error for which commerce.IsPermanent reports true ends the
// attempts at once and the event goes to the poison topic.
type RetryPolicy struct {
	// MaxAttempts is how many times a handler runs before the event is
	// poisoned, counting the first. Default: 5.
	MaxAttempts int
	// InitialInterval is the wait after the first failure. Default: 100ms.
	InitialInterval time.Duration
	// MaxInterval caps the wait. Default: 10s.
	MaxInterval time.Duration
	// Multiplier grows the wait after each failure. Default: 2.
	Multiplier float64
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Registry == nil {
		out.Registry = NewRegistry()
	}
	if !prefixPattern.MatchString(out.TopicPrefix) {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "topic prefix %q must be at most 64 characters of [A-Za-z0-9_-]", out.TopicPrefix)
	}
	if out.PoisonTopic == "" {
		out.PoisonTopic = "poison"
	}
	if !groupPattern.MatchString(out.PoisonTopic) {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "poison topic %q must be 1-64 characters of [A-Za-z0-9_-]", out.PoisonTopic)
	}
	if out.Clock == nil {
		out.Clock = commerce.SystemClock{}
	}
	if out.Deduplicator == nil {
		out.Deduplicator = NewMemoryDeduplicator(10*time.Minute, out.Clock)
	}
	if out.CloseTimeout <= 0 {
		out.CloseTimeout = 30 * time.Second
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	r := &out.Retry
	if r.MaxAttempts < 0 || r.InitialInterval < 0 || r.MaxInterval < 0 || r.Multiplier < 0 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "retry policy fields must not be negative: %+v", *r)
	}
	if r.MaxAttempts == 0 {
		r.MaxAttempts = 5
	}
	if r.InitialInterval == 0 {
		r.InitialInterval = 100 * time.Millisecond
	}
	if r.MaxInterval == 0 {
		r.MaxInterval = 10 * time.Second
	}
	if r.Multiplier == 0 {
		r.Multiplier = 2
	}
	if r.Multiplier < 1 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "retry multiplier must be at least 1, got %v", r.Multiplier)
	}
	return out, nil
}

// retry returns the policy in the form the shared retry loop runs.
func (r RetryPolicy) retry() retry.Policy {
	return retry.Policy{MaxAttempts: r.MaxAttempts, Initial: r.InitialInterval, Max: r.MaxInterval, Multiplier: r.Multiplier}
}
