package pgbus

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// relayGroup is the consumer group of every relay on an outbox: relays in
// several processes take turns, and each committed event is forwarded by
// one of them.
const relayGroup = "mercato_relay"

// Relay forwards committed outbox events to a bus. It remembers its
// position in the outbox table, so a relay started after a crash resumes
// where the last one stopped: an event is forwarded at least once, never
// zero times.
//
// A relay reads up to BatchSize rows at a time, in a transaction that
// holds the outbox's position (relays in other processes wait for it),
// forwards them over RelayLanes lanes — the events of one aggregate in
// one lane, in outbox order — and moves the position past the rows
// forwarded once the bus took them all (Bus.Publisher: stored by a
// durable backend, or handled on the in-process one), deleting those
// rows from the outbox in the same transaction, so the table holds only
// what is still to be forwarded. When an event fails, the position moves
// only past the rows before it; the rest is read again.
//
// A relay sleeps until PostgreSQL notifies it of a commit into the outbox
// (a trigger made by NewOutbox, delivered over a connection of the
// relay's own), and looks at OutboxOptions.FallbackPollInterval anyway,
// which covers notifications lost while that connection was down.
type Relay struct {
	// pub is the bus's relay publisher (Bus.Publisher).
	pub     message.Publisher
	db      wsql.Beginner
	pool    *pgxpool.Pool
	opts    OutboxOptions
	waker   *waker
	channel string
	log     *slog.Logger
	logger  watermill.LoggerAdapter
	schema  postgresSchema
	offsets wsql.DefaultPostgreSQLOffsetsAdapter
	// positionSQL reads the position of the consumer group $1.
	positionSQL string
	// pruneSQL deletes the outbox rows after the position ($1, $2) up to
	// the position ($3, $4).
	pruneSQL string
	// pruneBehindSQL deletes every outbox row up to the position of the
	// consumer group $1.
	pruneBehindSQL string
	// stopListening ends the listener; listened is closed when it has.
	stopListening context.CancelFunc
	listened      chan struct{}
	// stopRelaying ends the forwarding loop; relayed is closed when it
	// has.
	stopRelaying context.CancelFunc
	relayed      chan struct{}

	mu      sync.Mutex
	started bool
	closed  bool

	closeOnce sync.Once
	closeErr  error
}

// NewRelay returns a relay from the outbox in pool to bus. opts must name
// the same Topic as the Outbox; it may be nil.
func NewRelay(pool *pgxpool.Pool, bus *eventbus.Bus, opts *OutboxOptions) (*Relay, error) {
	if pool == nil || bus == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: relay needs a pool and a bus")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	schema, offsets := schemaAdapter(o.BatchSize), offsetsAdapter()
	return &Relay{
		pub: bus.Publisher(), db: wsql.BeginnerFromPgx(pool), pool: pool, opts: o,
		waker:   newWaker(o.PollInterval, o.PollInterval, o.FallbackPollInterval),
		channel: notifyChannel(o.Topic), log: o.Logger, logger: o.watermillLogger(),
		schema: schema, offsets: offsets,
		positionSQL: `SELECT offset_acked, last_processed_transaction_id FROM ` + offsets.MessagesOffsetsTable(o.Topic) + ` WHERE consumer_group = $1`,
		pruneSQL: `DELETE FROM ` + schema.MessagesTable(o.Topic) +
			` WHERE (transaction_id, "offset") > ($1, $2) AND (transaction_id, "offset") <= ($3, $4)`,
		pruneBehindSQL: `DELETE FROM ` + schema.MessagesTable(o.Topic) + ` WHERE (transaction_id, "offset") <= (` +
			`SELECT last_processed_transaction_id, offset_acked FROM ` + offsets.MessagesOffsetsTable(o.Topic) + ` WHERE consumer_group = $1)`,
	}, nil
}

// Start begins forwarding and returns once the relay is consuming, or
// when ctx ends first. The relay runs until Close. Starting a started relay
// is a no-op; starting a closed one is FailedPrecondition.
func (r *Relay) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return commerce.Errorf(commerce.CodeFailedPrecondition, "pgbus: start relay: the relay is closed")
	}
	if r.started {
		return nil
	}
	// The position row must exist for the relays' FOR UPDATE to take
	// turns on it.
	qs, err := r.offsets.BeforeSubscribingQueries(wsql.BeforeSubscribingQueriesParams{Topic: r.opts.Topic, ConsumerGroup: relayGroup})
	if err != nil {
		return err
	}
	for _, q := range qs {
		if _, err := r.db.ExecContext(ctx, q.Query, q.Args...); err != nil {
			return commerce.Errorf(commerce.CodeUnavailable, "pgbus: start relay: %w", err)
		}
	}
	r.started = true
	// Listen before forwarding, so no commit falls between the first
	// query and the first notification.
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	r.stopListening, r.listened = stop, make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(r.listened)
		listen(lctx, r.pool, r.channel, r.waker, r.log, ready)
	}()
	rctx, stopRelaying := context.WithCancel(context.WithoutCancel(ctx))
	r.stopRelaying, r.relayed = stopRelaying, make(chan struct{})
	go func() {
		defer close(r.relayed)
		<-ready
		r.run(rctx)
	}()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return commerce.Errorf(commerce.CodeUnavailable, "pgbus: start relay: %w", ctx.Err())
	}
}

// Close stops forwarding, waiting for the batch in flight until ctx ends.
// Events of a batch interrupted mid-forward are forwarded again by the
// next relay. Close is idempotent.
func (r *Relay) Close(ctx context.Context) error {
	r.closeOnce.Do(func() {
		r.mu.Lock()
		started := r.started
		r.closed = true
		r.mu.Unlock()
		// The loop may be waiting for a notification: end that wait
		// before stopping it.
		r.waker.stop()
		if !started {
			return
		}
		r.stopListening()
		<-r.listened
		r.stopRelaying()
		select {
		case <-r.relayed:
		case <-ctx.Done():
			r.closeErr = commerce.Errorf(commerce.CodeUnavailable, "pgbus: close relay: %w", ctx.Err())
		}
	})
	return r.closeErr
}

// caughtUp reports whether a batch that read read rows, failing with
// err, saw everything the outbox had for the relay, so that the relay
// waits for a notification (see waker) rather than query again at once.
// Only a whole batch (BatchSize rows) may have left rows behind. Fewer
// rows were all the query could see: a row committed since is found by
// the poll that follows a notification (see idleWait), or announced by a
// notification of its own at most 100 ms after its commit (see
// Outbox.Announce), and one hidden behind an older transaction is found
// by that poll too, as after a query that found nothing. Querying again
// at once would cost every wake a second, empty query.
func (r *Relay) caughtUp(read int, err error) bool {
	return err == nil && read < r.opts.BatchSize
}

// run forwards batches until ctx ends, sleeping as the waker says between
// them.
func (r *Relay) run(ctx context.Context) {
	r.pruneBehind(ctx)
	for ctx.Err() == nil {
		n, read, err := r.relayBatch(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			r.log.WarnContext(ctx, "pgbus: relay a batch of outbox events", "forwarded", n, "error", err)
		}
		wait := r.waker.HandleError(r.logger, r.caughtUp(read, err), err)
		if err != nil && n == 0 {
			// Nothing moved: give the bus a moment before the same rows
			// are offered again.
			wait = max(wait, r.opts.ResendInterval)
		}
		if wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
		}
	}
}

// pruneBehind deletes the rows the relays' position has passed that are
// still in the outbox: a batch deletes what it forwards, but an outbox
// written before relays deleted anything keeps its old rows until this
// runs, once per start. It only logs a failure: the rows are never read
// again, and the next start tries again.
func (r *Relay) pruneBehind(ctx context.Context) {
	tag, err := r.pool.Exec(ctx, r.pruneBehindSQL, relayGroup)
	if err != nil {
		if ctx.Err() == nil {
			r.log.WarnContext(ctx, "pgbus: relay: delete the outbox rows already forwarded", "error", err)
		}
		return
	}
	if n := tag.RowsAffected(); n > 0 {
		r.log.InfoContext(ctx, "pgbus: relay: deleted outbox rows already forwarded", "rows", n)
	}
}
