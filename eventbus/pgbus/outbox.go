package pgbus

import (
	"context"
	"regexp"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// DefaultOutboxTopic names the outbox table, watermill_mercato_outbox.
const DefaultOutboxTopic = "mercato_outbox"

// OutboxOptions configures an Outbox and its Relay; both must use the same
// Topic. The zero value is the documented default.
type OutboxOptions struct {
	// Topic names the outbox table. Default: DefaultOutboxTopic.
	Topic string
	// Options tune the relay's consumer. The relay is woken by the
	// outbox table's notifications rather than polling: PollInterval is
	// its poll for the short while (2 s) after a notification when a
	// committed row can still be hidden behind an older transaction.
	// Past that, it waits as long again as it has waited beyond it, so a
	// row a long older transaction hid is relayed soon after that
	// transaction ends.
	Options
	// FallbackPollInterval is how often a relay that no notification woke
	// looks for rows anyway, and the longest it waits between queries:
	// it bounds the delay of an event whose notification was lost (the
	// relay's listening connection dropped). Default 10s.
	FallbackPollInterval time.Duration
	// RelayLanes is how many events a relay forwards at once from a batch
	// it read (up to BatchSize rows): events of one aggregate share a
	// lane and go one after the other in outbox order, while other
	// aggregates' events proceed beside them, so handlers that gather
	// what arrives together (the search indexer) and commits that wait
	// on the disk overlap. 1 forwards one event at a time. Default 32.
	RelayLanes int
}

var outboxTopicPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (o *OutboxOptions) withDefaults() (OutboxOptions, error) {
	var out OutboxOptions
	if o != nil {
		out = *o
	}
	if out.Topic == "" {
		out.Topic = DefaultOutboxTopic
	}
	if !outboxTopicPattern.MatchString(out.Topic) {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: outbox topic %q must be 1-64 characters of [A-Za-z0-9_-]", out.Topic)
	}
	if out.FallbackPollInterval < 0 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: options must not be negative").WithDetail("field", "FallbackPollInterval")
	}
	if out.FallbackPollInterval == 0 {
		out.FallbackPollInterval = 10 * time.Second
	}
	if out.RelayLanes < 0 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: options must not be negative").WithDetail("field", "RelayLanes")
	}
	if out.RelayLanes == 0 {
		out.RelayLanes = 32
	}
	opts, err := out.Options.withDefaults()
	out.Options = opts
	return out, err
}

// Outbox writes events into an outbox table inside the caller's
// transaction: they become visible to the Relay exactly when the
// transaction commits, and vanish with it on rollback.
type Outbox struct {
	bus    *eventbus.Bus
	pool   *pgxpool.Pool
	opts   OutboxOptions
	logger watermill.LoggerAdapter
	// announceEvery is the least time between two notifications that
	// Announce sends (announceInterval; tests change it).
	announceEvery time.Duration
	// mu guards lastAnnounce and trailing.
	mu sync.Mutex
	// lastAnnounce is when the last notification began; zero when it
	// failed.
	lastAnnounce time.Time
	// trailing is set while a notification is due at the end of the
	// interval, for the calls made within it.
	trailing bool
}

// NewOutbox creates the outbox tables, and the trigger that announces
// their inserts to relays, if they are missing (idempotent and safe to run
// from several processes at once) and returns a writer that
// encodes events as bus publishes them. opts may be nil.
func NewOutbox(ctx context.Context, pool *pgxpool.Pool, bus *eventbus.Bus, opts *OutboxOptions) (*Outbox, error) {
	if pool == nil || bus == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: outbox needs a pool and a bus")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	logger := o.watermillLogger()
	sub, err := newSubscriber(wsql.BeginnerFromPgx(pool), relayGroup, o.Options, nil, logger)
	if err != nil {
		return nil, err
	}
	defer sub.Close()
	if err := ctx.Err(); err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "pgbus: create outbox: %w", err)
	}
	if err := sub.SubscribeInitialize(o.Topic); err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "pgbus: create outbox tables: %w", err)
	}
	if err := installNotifyTrigger(ctx, pool, o.Topic); err != nil {
		return nil, commerce.Errorf(commerce.CodeUnavailable, "pgbus: create the outbox's notify trigger: %w", err)
	}
	return &Outbox{bus: bus, pool: pool, opts: o, logger: logger, announceEvery: announceInterval}, nil
}

// Publish writes events into the outbox within tx, in order, with one
// INSERT. Nothing is sent until tx commits; the caller commits or rolls
// back as usual.
func (o *Outbox) Publish(ctx context.Context, tx pgx.Tx, events ...commerce.Envelope) error {
	if tx == nil {
		return errNoTx
	}
	encoded, err := o.Encode(events...)
	if err != nil {
		return err
	}
	return o.write(ctx, tx, encoded.msgs)
}

// PublishQuiet writes events into the outbox within tx like Publish, but
// the outbox table's trigger does not notify the relays when tx commits:
// the caller calls Announce once it has. A NOTIFY takes a lock that
// PostgreSQL holds through the commit's flush to disk, so transactions
// that notify commit one at a time; announcing after the commit, at most
// once per 100 ms (see Announce), lets them commit together.
// The quiet setting holds for the rest of tx.
func (o *Outbox) PublishQuiet(ctx context.Context, tx pgx.Tx, events ...commerce.Envelope) error {
	encoded, err := o.Encode(events...)
	if err != nil {
		return err
	}
	return o.PublishEncodedQuiet(ctx, tx, encoded)
}

// Encoded is events encoded for an Outbox (see Encode), in order. Writing
// it does not change it.
type Encoded struct {
	msgs []*message.Message
}

// Len is how many events e holds.
func (e Encoded) Len() int { return len(e.msgs) }

// Encode encodes events as Publish writes them, so that a transaction
// can encode its events before it takes its locks and write them with
// PublishEncodedQuiet while it holds them: encoding an event, the JSON of
// everything it carries, takes longer than writing it, and every other
// transaction waiting on those locks waits for it too.
func (o *Outbox) Encode(events ...commerce.Envelope) (Encoded, error) {
	// Each row carries the event's own JSON and metadata, with its
	// destination topic in the metadata: PostgreSQL validates and stores
	// the event as it is, where Watermill's forwarder envelope would
	// encode it again and in base64, a third larger.
	msgs := make([]*message.Message, 0, len(events))
	for _, env := range events {
		topic, msg, err := o.bus.Encode(env)
		if err != nil {
			return Encoded{}, err
		}
		msg.Metadata.Set(metadataDestinationTopic, topic)
		msgs = append(msgs, msg)
	}
	return Encoded{msgs: msgs}, nil
}

// PublishEncodedQuiet writes the events of every encoded, in order, with
// one INSERT, quietly as PublishQuiet does.
func (o *Outbox) PublishEncodedQuiet(ctx context.Context, tx pgx.Tx, encoded ...Encoded) error {
	if tx == nil {
		return errNoTx
	}
	var all []*message.Message
	for _, e := range encoded {
		all = append(all, e.msgs...)
	}
	if len(all) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('`+quietSetting+`', 'on', true)`); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "pgbus: quiet the outbox's notifications: %w", err)
	}
	return o.write(ctx, tx, all)
}

// errNoTx refuses a publish without a transaction.
var errNoTx = commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: outbox publish needs a transaction")

// write inserts msgs into the outbox within tx. msgs is the caller's own
// slice; the messages in it may be shared.
func (o *Outbox) write(ctx context.Context, tx pgx.Tx, msgs []*message.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	// The publisher runs its INSERT with the first message's context. A
	// copy carries it, so that an Encoded stays as it is and may be
	// written again, even from two transactions at once.
	msgs[0] = msgs[0].Copy()
	msgs[0].SetContext(ctx)
	pub, err := wsql.NewPublisher(wsql.TxFromPgx(tx), wsql.PublisherConfig{SchemaAdapter: schemaAdapter(o.opts.BatchSize)}, o.logger)
	if err != nil {
		return err
	}
	if err := pub.Publish(o.opts.Topic, msgs...); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "pgbus: write %d events to the outbox: %w", len(msgs), err)
	}
	return nil
}

// Announce wakes the relays of the outbox, as the trigger does for
// Publish: call it after committing a transaction that wrote with
// PublishQuiet. It notifies at most once per 100 ms: a call within that
// interval of the last notification has one more sent at its end, which
// wakes the relays for every commit made meanwhile. Under load that
// spares the database a notifying transaction per commit, and each relay
// the query each notification would prompt; a relay that a notification
// woke keeps looking for rows at its PollInterval for 2 seconds anyway,
// and finds those commits sooner.
//
// The notification is its own transaction, which does not wait for the
// disk: one lost in a crash, or that failed (a call's error is returned,
// and the next call notifies again), delays events only until the
// relay's fallback poll.
func (o *Outbox) Announce(ctx context.Context) error {
	o.mu.Lock()
	now := time.Now()
	if wait := o.lastAnnounce.Add(o.announceEvery).Sub(now); wait > 0 {
		if !o.trailing {
			o.trailing = true
			time.AfterFunc(wait, o.announceTrailing)
		}
		o.mu.Unlock()
		return nil
	}
	o.lastAnnounce = now
	o.mu.Unlock()
	return o.notify(ctx, now)
}

// announceTrailing sends the notification due at the end of an interval
// for the calls made within it.
func (o *Outbox) announceTrailing() {
	o.mu.Lock()
	o.trailing = false
	now := time.Now()
	o.lastAnnounce = now
	o.mu.Unlock()
	if err := o.notify(context.Background(), now); err != nil {
		o.logger.Info("pgbus: outbox announcement failed; relays find its events at their next poll", watermill.LogFields{"error": err})
	}
}

// notify sends the notification that began at began. On failure it
// forgets it, so that the next Announce notifies at once.
func (o *Outbox) notify(ctx context.Context, began time.Time) error {
	actx, cancel := context.WithTimeout(ctx, announceTimeout)
	_, err := o.pool.Exec(actx, o.announceSQL(), pgx.QueryExecModeSimpleProtocol)
	cancel()
	if err == nil {
		return nil
	}
	o.mu.Lock()
	if o.lastAnnounce.Equal(began) {
		o.lastAnnounce = time.Time{}
	}
	o.mu.Unlock()
	return commerce.Errorf(commerce.CodeUnavailable, "pgbus: announce the outbox's events: %w", err)
}

// announceInterval is the least time between two notifications Announce
// sends. It stays well under hotWindow, so relays woken by one
// notification are still looking for rows when the next is due.
const announceInterval = 100 * time.Millisecond

// announceTimeout bounds one notification.
const announceTimeout = 5 * time.Second

// announceSQL notifies the outbox's channel in a transaction that does
// not wait for its commit to reach the disk. The channel name is made of
// [A-Za-z0-9_-] only (outboxTopicPattern), so it needs no escaping.
func (o *Outbox) announceSQL() string {
	return `BEGIN; SET LOCAL synchronous_commit TO off; SELECT pg_notify('` + notifyChannel(o.opts.Topic) + `', ''); COMMIT`
}
