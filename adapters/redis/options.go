package redis

import (
	"log/slog"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Defaults of CartOptions and RelayOptions.
const (
	DefaultPrefix      = "cart:"
	DefaultMaxAttempts = 100
	DefaultGroup       = "mercato-relay"
	DefaultBatch       = 100
	DefaultBlock       = time.Second
	DefaultClaimIdle   = 30 * time.Second
	DefaultRetryDelay  = time.Second
)

// CartOptions configures a CartStore. A nil *CartOptions, or a zero field,
// takes the documented default.
type CartOptions struct {
	// Prefix starts every key: carts are <Prefix><cart ID>, the customer
	// index <Prefix>customer:<customer ID>, the outbox <Prefix>outbox.
	// Default DefaultPrefix ("cart:"). On Redis Cluster every key of a
	// write must hash to one slot: give the prefix a hash tag, such as
	// "{cart}:".
	Prefix string
	// Outbox names the outbox stream. Default <Prefix>outbox.
	Outbox string
	// DiscardEvents drops the events of every write instead of adding
	// them to the outbox: for hosts that consume none, which then run no
	// relay.
	DiscardEvents bool
	// MaxAttempts bounds the tries of one write that keeps losing the
	// race for a cart to other writers; then it fails with Conflict.
	// Default DefaultMaxAttempts (100).
	MaxAttempts int
}

func (o *CartOptions) resolved() (CartOptions, error) {
	var r CartOptions
	if o != nil {
		r = *o
	}
	if r.Prefix == "" {
		r.Prefix = DefaultPrefix
	}
	if r.Outbox == "" {
		r.Outbox = r.Prefix + "outbox"
	}
	switch {
	case r.MaxAttempts == 0:
		r.MaxAttempts = DefaultMaxAttempts
	case r.MaxAttempts < 0:
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "redis: MaxAttempts %d must be positive", r.MaxAttempts)
	}
	return r, nil
}

// RelayOptions configures an OutboxRelay. A nil *RelayOptions, or a zero
// field, takes the documented default.
type RelayOptions struct {
	// Stream is the outbox stream, CartStore.OutboxStream of the store
	// whose events are relayed. Required by NewOutboxRelay;
	// CartStore.NewOutboxRelay sets it.
	Stream string
	// Group is the consumer group: relays in several processes share the
	// stream's entries. Default DefaultGroup.
	Group string
	// Consumer names this relay within the group; it must be unique.
	// Default: a random name.
	Consumer string
	// Registry decodes the payloads. Default: a registry holding the
	// cart package's events.
	Registry *commerce.EventRegistry
	// Batch is the most entries read and published at once. Default
	// DefaultBatch (100).
	Batch int
	// Block is how long one read waits for new entries, which bounds how
	// long Close waits for the relay to notice. Default DefaultBlock (1s).
	Block time.Duration
	// ClaimIdle is how long an entry read by another relay may stay
	// unacknowledged before this one takes it over: that relay is taken
	// for dead. Set it above the slowest publish. Default
	// DefaultClaimIdle (30s).
	ClaimIdle time.Duration
	// RetryDelay is the pause after a failed publish before the same
	// entries are published again. Default DefaultRetryDelay (1s).
	RetryDelay time.Duration
	// Logger receives failures. Default slog.Default().
	Logger *slog.Logger
}
