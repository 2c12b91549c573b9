package eventbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/internal/retry"
)

// Metadata keys a poisoned event carries in addition to its own.
const (
	MetadataPoisonReason  = "poison_reason"
	MetadataPoisonHandler = "poison_handler"
	MetadataPoisonTopic   = "poison_topic"
)

// errStopping means the bus is shutting down: the event is neither acked
// nor poisoned, so the backend redelivers it later.
var errStopping = errors.New("eventbus: shutting down before the handler succeeded")

// recoverPanics turns a handler panic into an ordinary failure, so it is
// retried and poisoned like any other instead of killing the process.
func recoverPanics(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) (out []*message.Message, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("handler panicked: %v\n%s", r, debug.Stack())
			}
		}()
		return h(msg)
	}
}

// retryWithBackoff reruns a failing handler with exponential backoff
// until it succeeds, fails permanently (commerce.IsPermanent) or runs out
// of attempts. The waits end early when stop is cancelled, so Close is
// never held up by a sleeping retry.
func retryWithBackoff(policy RetryPolicy, stop context.Context) message.HandlerMiddleware {
	p := policy.retry()
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			out, err := retry.Do(stop, p, nil, func(int) ([]*message.Message, error) { return h(msg) }, nil)
			if err != nil && stop.Err() != nil {
				// Failed, or stopped waiting, because the bus is stopping:
				// not the event's fault, so do not poison it.
				return nil, errors.Join(errStopping, err)
			}
			return out, err
		}
	}
}

// deduplicate acknowledges an event the group already handled without
// running the handler again, and marks it only after success.
func deduplicate(d Deduplicator, handlerName string, logger *slog.Logger) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			key := handlerName + "/" + msg.UUID
			ctx := context.WithoutCancel(msg.Context())
			seen, err := d.Seen(ctx, key)
			if err != nil {
				return nil, fmt.Errorf("eventbus: deduplicator: %w", err)
			}
			if seen {
				return nil, nil
			}
			out, err := h(msg)
			if err != nil {
				return out, err
			}
			// The handler's effect is done; an unmarked key only costs a
			// possible second (idempotent) run, so it is logged, not nacked.
			if err := d.Mark(ctx, key); err != nil {
				logger.WarnContext(ctx, "eventbus: deduplicator mark failed", "key", key, "err", err)
			}
			return out, nil
		}
	}
}

// poisonOnFailure moves an event whose handler failed for good to the
// poison topic and acks it, so one bad event cannot block a partition
// forever and nothing is silently dropped. A shutdown is not a failure:
// the event is nacked for redelivery instead.
func poisonOnFailure(pub message.Publisher, poisonTopic, handlerName, sourceTopic string, logger *slog.Logger) message.HandlerMiddleware {
	return func(h message.HandlerFunc) message.HandlerFunc {
		return func(msg *message.Message) ([]*message.Message, error) {
			out, err := h(msg)
			if err == nil || errors.Is(err, errStopping) {
				return out, err
			}
			poisoned := msg.Copy()
			poisoned.Metadata.Set(MetadataPoisonReason, err.Error())
			poisoned.Metadata.Set(MetadataPoisonHandler, handlerName)
			poisoned.Metadata.Set(MetadataPoisonTopic, sourceTopic)
			if perr := pub.Publish(poisonTopic, poisoned); perr != nil {
				return nil, errors.Join(err, fmt.Errorf("eventbus: publish to poison topic: %w", perr))
			}
			logger.Error("eventbus: event poisoned", "event_id", msg.UUID, "handler", handlerName, "topic", sourceTopic, "err", err)
			return nil, nil
		}
	}
}
