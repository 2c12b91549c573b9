package natsbus

import (
	"log/slog"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Options configures a Backend. The zero value (or nil) is a sensible
// default.
type Options struct {
	// AckWaitTimeout is how long JetStream waits for a group member to
	// acknowledge an event before it redelivers the event to the group.
	// A handler's whole run, the bus's in-process retries included, must
	// fit in it, or the event is handled again. It is also how long a
	// closing subscriber waits for its in-flight events to be acked. A
	// group's existing consumer is updated to it on subscribe. Default:
	// 30s.
	AckWaitTimeout time.Duration

	// NakDelay is how long JetStream holds back an event whose handler
	// nacked it (the bus nacks when it shuts down mid-handler, and when a
	// poison-topic handler keeps failing) before redelivering it. Default:
	// 0, at once: the bus has already backed off in-process by then.
	NakDelay time.Duration

	// SubscribersCount is how many events one subscriber handles at a
	// time. With 1 a subscriber handles a topic's events one after the
	// other, in stream order; more trade that order for throughput.
	// Default: 1.
	SubscribersCount int

	// MaxAckPending caps the events a consumer group has been sent but
	// not yet acked, across its members; JetStream pauses the group at the
	// cap. Events waiting in a member's buffer count against
	// AckWaitTimeout, so keep MaxAckPending times the handler's duration
	// below it. A group's existing consumer is updated to it on subscribe.
	// Default: 64.
	MaxAckPending int

	// Replicas is the replica count of the streams the backend creates.
	// Default: 1.
	Replicas int

	// MaxAge is how long the streams the backend creates keep events: a
	// consumer group that joins later sees events up to this old. Default:
	// 0, keep them until the stream is purged or deleted.
	MaxAge time.Duration

	// RequestTimeout bounds each call to the JetStream API (waiting for a
	// publish to be stored, creating a stream or a consumer) and the
	// flush of acks when a subscription ends. Default: 5s.
	RequestTimeout time.Duration

	// Logger receives the backend's warnings and Watermill's logs;
	// Watermill's info logs are demoted to debug. Default: slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	if out.AckWaitTimeout < 0 || out.NakDelay < 0 || out.MaxAge < 0 || out.RequestTimeout < 0 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "natsbus: durations must not be negative: ack wait %s, nak delay %s, max age %s, request timeout %s",
			out.AckWaitTimeout, out.NakDelay, out.MaxAge, out.RequestTimeout)
	}
	if out.SubscribersCount < 0 || out.MaxAckPending < 0 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "natsbus: subscribers count (%d) and max ack pending (%d) must not be negative", out.SubscribersCount, out.MaxAckPending)
	}
	// JetStream allows at most 5 replicas of a stream.
	if out.Replicas < 0 || out.Replicas > 5 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "natsbus: replicas must be between 1 and 5, got %d", out.Replicas)
	}
	if out.AckWaitTimeout == 0 {
		out.AckWaitTimeout = 30 * time.Second
	}
	if out.SubscribersCount == 0 {
		out.SubscribersCount = 1
	}
	if out.MaxAckPending == 0 {
		out.MaxAckPending = 64
	}
	if out.Replicas == 0 {
		out.Replicas = 1
	}
	if out.RequestTimeout == 0 {
		out.RequestTimeout = 5 * time.Second
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out, nil
}
