package redis

import (
	"log/slog"
	"time"

	"github.com/mercatohq/mercato/cart"
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
// field, takes the documented default. They set the fields of Watermill's
// redisstream subscriber named with each.
type RelayOptions struct {
	// Stream is the outbox stream, CartStore.OutboxStream of the store
	// whose events are relayed. Required by NewOutboxRelay;
	// CartStore.NewOutboxRelay sets it.
	Stream string
	// Group is the consumer group (ConsumerGroup): relays in several
	// processes share the stream's entries. Default DefaultGroup.
	Group string
	// Consumer names this relay within the group; it must be unique.
	// Default: a random name.
	Consumer string
	// Registry decodes the payloads. Default: a registry holding the
	// cart package's events.
	Registry *commerce.EventRegistry
	// Batch is the most idle entries of other relays looked at in one
	// claim (ClaimBatchSize). Entries are read and published one at a
	// time. Default DefaultBatch (100).
	Batch int
	// Block is how long one read waits for new entries (BlockTime),
	// which bounds how long Close waits for the relay to notice. Default
	// DefaultBlock (1s).
	Block time.Duration
	// ClaimIdle is how long an entry read by another relay may stay
	// unacknowledged before this one claims it (MaxIdleTime); it looks
	// every ClaimIdle/2 (ClaimInterval). That relay is taken for dead:
	// set it above the slowest publish. A relay restarted under the same
	// Consumer name also takes its own unacknowledged entries back only
	// once they are idle that long. Default DefaultClaimIdle (30s).
	ClaimIdle time.Duration
	// RetryDelay is the pause after a failed publish before the same
	// entry is published again (NackResendSleep). Default
	// DefaultRetryDelay (1s).
	RetryDelay time.Duration
	// Logger receives failures. Default slog.Default().
	Logger *slog.Logger
}

// minClaimInterval is the shortest pause between two claims.
const minClaimInterval = time.Millisecond

func (o *RelayOptions) resolved() (RelayOptions, error) {
	var r RelayOptions
	if o != nil {
		r = *o
	}
	if r.Stream == "" {
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewOutboxRelay needs RelayOptions.Stream, the store's CartStore.OutboxStream; CartStore.NewOutboxRelay sets it")
	}
	if r.Batch < 0 || r.Block < 0 || r.ClaimIdle < 0 || r.RetryDelay < 0 {
		return r, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay Batch, Block, ClaimIdle and RetryDelay must not be negative")
	}
	if r.Group == "" {
		r.Group = DefaultGroup
	}
	if r.Consumer == "" {
		r.Consumer = consumerName()
	}
	if r.Registry == nil {
		r.Registry = commerce.NewEventRegistry()
		cart.RegisterEvents(r.Registry)
	}
	if r.Batch == 0 {
		r.Batch = DefaultBatch
	}
	if r.Block == 0 {
		r.Block = DefaultBlock
	}
	if r.ClaimIdle == 0 {
		r.ClaimIdle = DefaultClaimIdle
	}
	if r.RetryDelay == 0 {
		r.RetryDelay = DefaultRetryDelay
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}
