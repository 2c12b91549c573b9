package pgbus

import (
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// Options configures a Backend or a Relay. The zero value is the documented
// default.
type Options struct {
	// PollInterval is how long a consumer waits before looking for new rows
	// after finding none. It bounds the delivery latency of an idle topic.
	// Default: 25ms.
	PollInterval time.Duration

	// ResendInterval is the wait before a nacked message is offered again.
	// Default: 100ms.
	ResendInterval time.Duration

	// AckDeadline is how long a handler may hold a message before it is
	// offered again. Default: 30s.
	AckDeadline time.Duration

	// BatchSize is how many rows a consumer reads per query. Default: 100.
	BatchSize int

	// Logger receives Watermill's logs, info demoted to debug.
	// Default: slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() (Options, error) {
	var out Options
	if o != nil {
		out = *o
	}
	if out.PollInterval < 0 || out.ResendInterval < 0 || out.AckDeadline < 0 || out.BatchSize < 0 {
		return out, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: options must not be negative")
	}
	if out.PollInterval == 0 {
		out.PollInterval = 25 * time.Millisecond
	}
	if out.ResendInterval == 0 {
		out.ResendInterval = 100 * time.Millisecond
	}
	if out.AckDeadline == 0 {
		out.AckDeadline = 30 * time.Second
	}
	if out.BatchSize == 0 {
		out.BatchSize = 100
	}
	if out.Logger == nil {
		out.Logger = slog.Default()
	}
	return out, nil
}

func (o Options) watermillLogger() watermill.LoggerAdapter {
	return eventbus.WatermillLogger(o.Logger)
}

// Backend is an eventbus.Backend whose topics are PostgreSQL tables.
type Backend struct {
	db        wsql.Beginner
	opts      Options
	logger    watermill.LoggerAdapter
	publisher *wsql.Publisher
}

// New returns a backend on pool, which the host keeps owning. Tables are
// created on first use in the pool's search_path. opts may be nil.
func New(pool *pgxpool.Pool, opts *Options) (*Backend, error) {
	if pool == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "pgbus: pool is nil")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	db := wsql.BeginnerFromPgx(pool)
	logger := o.watermillLogger()
	pub, err := wsql.NewPublisher(db, wsql.PublisherConfig{
		SchemaAdapter:        schemaAdapter(o.BatchSize),
		AutoInitializeSchema: true,
	}, logger)
	if err != nil {
		return nil, err
	}
	return &Backend{db: db, opts: o, logger: logger, publisher: pub}, nil
}

// Publisher returns the table publisher.
func (b *Backend) Publisher() message.Publisher { return b.publisher }

// NewSubscriber returns a member of consumer group group. Members of one
// group take turns on a topic's offset row, so each message is handled by
// one of them.
func (b *Backend) NewSubscriber(group string) (message.Subscriber, error) {
	if err := eventbus.ValidateGroup(group); err != nil {
		return nil, err
	}
	return newSubscriber(b.db, group, b.opts, nil, b.logger)
}

// newSubscriber returns a consumer of group. backoff decides the waits
// between queries; nil polls at o.PollInterval.
func newSubscriber(db wsql.Beginner, group string, o Options, backoff wsql.BackoffManager, logger watermill.LoggerAdapter) (*wsql.Subscriber, error) {
	ackDeadline := o.AckDeadline
	return wsql.NewSubscriber(db, wsql.SubscriberConfig{
		BackoffManager:   backoff,
		ConsumerGroup:    group,
		PollInterval:     o.PollInterval,
		ResendInterval:   o.ResendInterval,
		RetryInterval:    o.PollInterval,
		AckDeadline:      &ackDeadline,
		SchemaAdapter:    schemaAdapter(o.BatchSize),
		OffsetsAdapter:   offsetsAdapter(),
		InitializeSchema: true,
	}, logger)
}

// Close closes the publisher. The host's pool stays open.
func (b *Backend) Close() error { return b.publisher.Close() }
