package redisbus

import (
	"log/slog"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill-redisstream/pkg/redisstream"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// Options configures the backend. The zero value is the documented default.
type Options struct {
	// KeyPrefix is prepended to every stream key, to keep the bus's streams
	// in their own namespace of a shared Redis. Any characters. Default: "".
	KeyPrefix string

	// ClaimIdle is how long a message may stay unacknowledged with one
	// consumer before another member of its group claims it. Set it above
	// your slowest handler's run time. Default: 60s.
	ClaimIdle time.Duration

	// ClaimInterval is how often consumers look for claimable messages.
	// Default: 5s, or ClaimIdle when that is shorter.
	ClaimInterval time.Duration

	// MaxLen caps each stream at about this many entries (0: no cap).
	// Entries a slow group has not read yet are lost when trimmed.
	MaxLen int64

	// Logger receives Watermill's logs, info demoted to debug.
	// Default: slog.Default().
	Logger *slog.Logger
}

// Backend is an eventbus.Backend on Redis Streams.
type Backend struct {
	client    redis.UniversalClient
	opts      Options
	logger    watermill.LoggerAdapter
	publisher *redisstream.Publisher
}

// New returns a backend on client, which the host keeps owning: the
// backend never closes it. opts may be nil.
func New(client redis.UniversalClient, opts *Options) (*Backend, error) {
	if client == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redisbus: client is nil")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.ClaimIdle < 0 || o.ClaimInterval < 0 || o.MaxLen < 0 {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "redisbus: ClaimIdle, ClaimInterval and MaxLen must not be negative")
	}
	if o.ClaimIdle == 0 {
		o.ClaimIdle = redisstream.DefaultMaxIdleTime
	}
	if o.ClaimInterval == 0 {
		o.ClaimInterval = min(redisstream.DefaultClaimInterval, o.ClaimIdle)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	logger := eventbus.WatermillLogger(o.Logger)
	// Watermill's publisher and subscribers close the client they are given;
	// the host owns this one, so they get a view whose Close does nothing.
	shared := hostClient{client}
	pub, err := redisstream.NewPublisher(redisstream.PublisherConfig{Client: shared, DefaultMaxlen: o.MaxLen}, logger)
	if err != nil {
		return nil, err
	}
	return &Backend{client: shared, opts: o, logger: logger, publisher: pub}, nil
}

// Publisher returns the stream publisher, which prefixes every topic with
// Options.KeyPrefix.
func (b *Backend) Publisher() message.Publisher {
	return prefixedPublisher{Publisher: b.publisher, prefix: b.opts.KeyPrefix}
}

// NewSubscriber returns a member of Redis consumer group group.
func (b *Backend) NewSubscriber(group string) (message.Subscriber, error) {
	if err := eventbus.ValidateGroup(group); err != nil {
		return nil, err
	}
	sub, err := redisstream.NewSubscriber(redisstream.SubscriberConfig{
		Client:        b.client,
		ConsumerGroup: group,
		OldestId:      "0",
		MaxIdleTime:   b.opts.ClaimIdle,
		ClaimInterval: b.opts.ClaimInterval,
		// Bounded reads let Close stop a consumer waiting on an idle stream.
		DisableIndefiniteInitialBlock: true,
	}, b.logger)
	if err != nil {
		return nil, err
	}
	return prefixedSubscriber{Subscriber: sub, prefix: b.opts.KeyPrefix}, nil
}

// Close is a no-op kept for the eventbus.Backend contract: the publisher
// holds nothing but the host's client.
func (b *Backend) Close() error { return nil }

// hostClient is the host's client with Close disarmed.
type hostClient struct{ redis.UniversalClient }

// Close leaves the host's client open.
func (hostClient) Close() error { return nil }
