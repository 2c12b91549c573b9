package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// OutboxRelay publishes the events a CartStore appended to its outbox
// stream. It reads the stream in a consumer group, decodes each entry,
// hands the events to its publisher in stream order, and only then
// acknowledges and deletes the entries: an event is published at least
// once, never zero times. A publish that fails is retried after
// RelayOptions.RetryDelay until it succeeds, so a broken bus holds events
// back without losing them. Entries another relay read but never
// acknowledged (it died) are taken over once idle for
// RelayOptions.ClaimIdle. An entry that cannot be decoded can never be
// published: it is moved to the dead-letter stream <stream>:dead and
// logged.
//
// Events of one relay are published in the order the writes committed;
// several relays on one stream share the work and give up that order
// across batches. The host keeps owning the client and the publisher.
type OutboxRelay struct {
	client    goredis.UniversalClient
	publisher commerce.EventPublisher
	opts      RelayOptions
	dead      string

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
	closed  bool
}

// NewOutboxRelay returns a relay from the outbox stream opts.Stream on
// client to publisher. The stream is required: a relay reading another
// stream than its store writes would publish nothing, without an error.
// CartStore.NewOutboxRelay fills it in from the store.
func NewOutboxRelay(client goredis.UniversalClient, publisher commerce.EventPublisher, opts *RelayOptions) (*OutboxRelay, error) {
	if client == nil || publisher == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewOutboxRelay needs a client and a publisher")
	}
	var o RelayOptions
	if opts != nil {
		o = *opts
	}
	if o.Stream == "" {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: NewOutboxRelay needs RelayOptions.Stream, the store's CartStore.OutboxStream; CartStore.NewOutboxRelay sets it")
	}
	if o.Group == "" {
		o.Group = DefaultGroup
	}
	if o.Consumer == "" {
		o.Consumer = consumerName()
	}
	if o.Registry == nil {
		o.Registry = commerce.NewEventRegistry()
		cart.RegisterEvents(o.Registry)
	}
	if o.Batch < 0 || o.Block < 0 || o.ClaimIdle < 0 || o.RetryDelay < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay Batch, Block, ClaimIdle and RetryDelay must not be negative")
	}
	if o.Batch == 0 {
		o.Batch = DefaultBatch
	}
	if o.Block == 0 {
		o.Block = DefaultBlock
	}
	if o.ClaimIdle == 0 {
		o.ClaimIdle = DefaultClaimIdle
	}
	if o.RetryDelay == 0 {
		o.RetryDelay = DefaultRetryDelay
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Logger = o.Logger.With("stream", o.Stream, "group", o.Group, "consumer", o.Consumer)
	return &OutboxRelay{client: client, publisher: publisher, opts: o, dead: o.Stream + ":dead"}, nil
}

// NewOutboxRelay returns a relay of the store's outbox stream, on the
// store's client, to publisher. opts may be nil; its Stream, when set,
// must be the store's (CodeInvalidArgument otherwise).
func (s *CartStore) NewOutboxRelay(publisher commerce.EventPublisher, opts *RelayOptions) (*OutboxRelay, error) {
	var o RelayOptions
	if opts != nil {
		o = *opts
	}
	if o.Stream != "" && o.Stream != s.OutboxStream() {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redis: relay stream %q is not the store's outbox stream %q", o.Stream, s.OutboxStream())
	}
	o.Stream = s.OutboxStream()
	return NewOutboxRelay(s.client, publisher, &o)
}

func consumerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return host + "-" + hex.EncodeToString(b)
}

// Run relays until ctx ends, then returns nil; it fails early only if the
// consumer group cannot be created. Use Run or Start, not both.
func (r *OutboxRelay) Run(ctx context.Context) error {
	if err := r.ensureGroup(ctx); err != nil {
		return err
	}
	r.loop(ctx)
	return nil
}

// Start creates the consumer group, then relays in the background until
// Close. Starting a started relay is a no-op; starting a closed one is
// FailedPrecondition.
func (r *OutboxRelay) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "redis: start relay: the relay is closed")
	}
	if r.started {
		return nil
	}
	if err := r.ensureGroup(ctx); err != nil {
		return err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.cancel, r.done, r.started = cancel, make(chan struct{}), true
	go func() {
		defer close(r.done)
		r.loop(runCtx)
	}()
	return nil
}

// Close stops a started relay and waits, until ctx ends, for its current
// batch: at most one read (RelayOptions.Block) or one publish. Entries
// interrupted before their acknowledgement are published again by the
// next relay. Close is idempotent.
func (r *OutboxRelay) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	cancel, done := r.cancel, r.done
	r.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "redis: close relay: %w", ctx.Err())
	}
}

// ensureGroup creates the consumer group, reading from the stream's first
// entry so that events written before any relay ran are published too.
func (r *OutboxRelay) ensureGroup(ctx context.Context) error {
	err := r.client.XGroupCreateMkStream(ctx, r.opts.Stream, r.opts.Group, "0").Err()
	if err != nil && !goredis.HasErrorPrefix(err, "BUSYGROUP") {
		return classify(err, "create relay group")
	}
	return nil
}

// loop relays until ctx ends. It starts with the entries this consumer
// read before without acknowledging them (a restart under the same name,
// or a failed publish), then reads new ones, and every ClaimIdle/2 takes
// over entries other consumers left idle.
func (r *OutboxRelay) loop(ctx context.Context) {
	own := true
	var lastClaim time.Time
	for ctx.Err() == nil {
		if time.Since(lastClaim) >= r.claimInterval() {
			lastClaim = time.Now()
			if err := r.claim(ctx); err != nil {
				r.pause(ctx, err, "claim idle entries")
				own = true // what was claimed is this consumer's now
				continue
			}
		}
		msgs, err := r.read(ctx, own)
		if err != nil {
			r.pause(ctx, err, "read the outbox")
			continue
		}
		if own && len(msgs) == 0 {
			own = false
			continue
		}
		if err := r.relay(ctx, msgs); err != nil {
			r.pause(ctx, err, "relay events")
			own = true
		}
	}
}

// claimInterval is how often idle entries are looked for.
func (r *OutboxRelay) claimInterval() time.Duration { return max(r.opts.ClaimIdle/2, time.Millisecond) }

// pause logs a failure and waits RetryDelay, or until ctx ends.
func (r *OutboxRelay) pause(ctx context.Context, err error, doing string) {
	if ctx.Err() != nil {
		return
	}
	r.opts.Logger.Warn("outbox relay: "+doing+" failed; retrying", "error", err, "retry_in", r.opts.RetryDelay)
	_ = commerce.Sleep(ctx, r.opts.RetryDelay)
}

// read returns up to Batch entries: with own, those this consumer read
// and has not acknowledged, at once; otherwise new ones, waiting up to
// Block for some.
func (r *OutboxRelay) read(ctx context.Context, own bool) ([]goredis.XMessage, error) {
	args := &goredis.XReadGroupArgs{
		Group: r.opts.Group, Consumer: r.opts.Consumer, Streams: []string{r.opts.Stream, ">"},
		Count: int64(r.opts.Batch), Block: r.opts.Block,
	}
	if own {
		args.Streams[1], args.Block = "0", -1
	}
	res, err := r.client.XReadGroup(ctx, args).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if goredis.HasErrorPrefix(err, "NOGROUP") {
		// The stream was deleted: recreate it and the group.
		return nil, r.ensureGroup(ctx)
	}
	if err != nil {
		return nil, classify(err, "read outbox")
	}
	var out []goredis.XMessage
	for _, s := range res {
		out = append(out, s.Messages...)
	}
	return out, nil
}

// claim takes over the entries other consumers left idle for ClaimIdle
// and relays them.
func (r *OutboxRelay) claim(ctx context.Context) error {
	start := "0-0"
	for {
		msgs, next, err := r.client.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
			Stream: r.opts.Stream, Group: r.opts.Group, Consumer: r.opts.Consumer,
			MinIdle: r.opts.ClaimIdle, Start: start, Count: int64(r.opts.Batch),
		}).Result()
		if goredis.HasErrorPrefix(err, "NOGROUP") {
			return r.ensureGroup(ctx)
		}
		if err != nil {
			return classify(err, "claim outbox entries")
		}
		if err := r.relay(ctx, msgs); err != nil {
			return err
		}
		if next == "0-0" || next == "" {
			return nil
		}
		start = next
	}
}

// forwarder is a publisher that can publish as a relay must, returning
// only once the events are safe (an *eventbus.Bus: on the in-process bus,
// once they were handled).
type forwarder interface {
	Forward(ctx context.Context, events ...commerce.Envelope) error
}

// forward hands envs to the publisher, through Forward when it has it, so
// that the entries are acknowledged only once their events are safe.
func (r *OutboxRelay) forward(ctx context.Context, envs []commerce.Envelope) error {
	if f, ok := r.publisher.(forwarder); ok {
		return f.Forward(ctx, envs...)
	}
	return r.publisher.Publish(ctx, envs...)
}

// relay publishes msgs in order, then acknowledges and deletes them.
// Entries that cannot be decoded go to the dead-letter stream.
func (r *OutboxRelay) relay(ctx context.Context, msgs []goredis.XMessage) error {
	if len(msgs) == 0 {
		return nil
	}
	envs := make([]commerce.Envelope, 0, len(msgs))
	ids := make([]string, 0, len(msgs))
	var dead []goredis.XMessage
	for _, m := range msgs {
		ids = append(ids, m.ID)
		raw, _ := m.Values["envelope"].(string)
		if raw == "" && len(m.Values) == 0 {
			continue // deleted after it was read: nothing to publish
		}
		env, err := r.decode(raw)
		if err != nil {
			r.opts.Logger.Error("outbox relay: undecodable entry moved to the dead-letter stream", "id", m.ID, "dead", r.dead, "error", err)
			dead = append(dead, m)
			continue
		}
		envs = append(envs, env)
	}
	if len(envs) > 0 {
		if err := r.forward(ctx, envs); err != nil {
			return commerce.Errorf(commerce.CodeUnavailable, "redis: relay: publish %d events: %w", len(envs), err)
		}
	}
	args := make([]any, 0, 2+len(ids)+2*len(dead))
	args = append(args, r.opts.Group, len(ids))
	for _, id := range ids {
		args = append(args, id)
	}
	for _, m := range dead {
		raw, _ := m.Values["envelope"].(string)
		args = append(args, m.ID, raw)
	}
	if err := ackScript.Run(ctx, r.client, []string{r.opts.Stream, r.dead}, args...).Err(); err != nil && !errors.Is(err, goredis.Nil) {
		// Published but not acknowledged: they will be published again.
		return classify(err, "acknowledge outbox entries")
	}
	return nil
}

// ackScript acknowledges and deletes relayed entries, moving undecodable
// ones to the dead-letter stream first, in one step: an entry is never
// acknowledged yet left in the stream, where nothing would read it again.
// KEYS: the outbox, the dead-letter stream. ARGV: the group, the number of
// entries, their IDs, then ID and envelope pairs of dead entries.
var ackScript = goredis.NewScript(`
local n = tonumber(ARGV[2])
local ids = {}
for i = 1, n do ids[i] = ARGV[2 + i] end
for i = 3 + n, #ARGV, 2 do
	redis.call('XADD', KEYS[2], '*', 'id', ARGV[i], 'envelope', ARGV[i + 1])
end
redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
redis.call('XDEL', KEYS[1], unpack(ids))
return n
`)

// wireEnvelope is an outbox entry before its payload is decoded.
type wireEnvelope struct {
	ID          commerce.EventID `json:"id"`
	Name        string           `json:"name"`
	AggregateID string           `json:"aggregate_id"`
	OccurredAt  time.Time        `json:"occurred_at"`
	Version     int              `json:"version"`
	Payload     json.RawMessage  `json:"payload"`
}

func (r *OutboxRelay) decode(raw string) (commerce.Envelope, error) {
	var w wireEnvelope
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		return commerce.Envelope{}, commerce.Errorf(commerce.CodeInvalidArgument, "redis: decode outbox entry: %w", err)
	}
	payload, err := r.opts.Registry.Decode(w.Name, w.Payload)
	if err != nil {
		return commerce.Envelope{}, err
	}
	env := commerce.Envelope{ID: w.ID, Name: w.Name, AggregateID: w.AggregateID, OccurredAt: w.OccurredAt, Version: w.Version, Payload: payload}
	if err := env.Validate(); err != nil {
		return commerce.Envelope{}, err
	}
	return env, nil
}
