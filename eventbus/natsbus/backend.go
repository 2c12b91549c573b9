package natsbus

import (
	"sync"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
)

// Backend is an eventbus.Backend on NATS JetStream. Create it with New. It
// is safe for concurrent use.
type Backend struct {
	conn      *nats.Conn
	js        nats.JetStreamContext
	opts      Options
	publisher *publisher

	mu      sync.Mutex
	closed  bool
	streams map[string]bool
	members map[*member]struct{}
}

var _ eventbus.Backend = (*Backend)(nil)

// New returns a backend that publishes and consumes over conn, the
// connection the host already has. The server must have JetStream
// enabled. The backend never closes or drains conn: the host does, after
// closing the backend. opts may be nil.
func New(conn *nats.Conn, opts *Options) (*Backend, error) {
	if conn == nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "natsbus: connection is nil")
	}
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if conn.IsClosed() {
		return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "natsbus: connection is closed")
	}
	js, err := conn.JetStream(nats.MaxWait(o.RequestTimeout))
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "natsbus: jetstream: %w", err)
	}
	logger := eventbus.WatermillLogger(o.Logger)
	// The Watermill publisher does the wire format (metadata as headers,
	// the message UUID in its own header). Streams are provisioned here,
	// once per topic, rather than by its AutoProvision, which asks the
	// server for the stream's info on every publish. TrackMsgId stays off:
	// JetStream would drop a message whose ID it saw within its
	// deduplication window, and Bus.Replay republishes a poisoned event
	// under its original ID precisely to have it delivered again.
	inner, err := wmnats.NewPublisherWithNatsConn(conn, wmnats.PublisherPublishConfig{
		Marshaler:         &wmnats.NATSMarshaler{},
		SubjectCalculator: wmnats.DefaultSubjectCalculator,
		JetStream: wmnats.JetStreamConfig{
			ConnectOptions: []nats.JSOpt{nats.MaxWait(o.RequestTimeout)},
		},
	}, logger)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "natsbus: publisher: %w", err)
	}
	b := &Backend{
		conn:    conn,
		js:      js,
		opts:    o,
		streams: make(map[string]bool),
		members: make(map[*member]struct{}),
	}
	b.publisher = &publisher{backend: b, inner: inner}
	return b, nil
}

// Publisher returns the backend's publisher. It publishes to the stream
// named like the topic, creating the stream on first use, and returns once
// JetStream has stored every message.
func (b *Backend) Publisher() message.Publisher { return b.publisher }

// NewSubscriber returns a subscriber in consumer group group. Its
// subscriptions bind to the group's durable consumer on the topic's
// stream, creating both on first use; a new group starts from the oldest
// event the stream still holds.
func (b *Backend) NewSubscriber(group string) (message.Subscriber, error) {
	if err := eventbus.ValidateGroup(group); err != nil {
		return nil, err
	}
	m := newMember(b, group)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errClosed()
	}
	b.members[m] = struct{}{}
	return m, nil
}

// Close makes Publish and NewSubscriber fail and closes the subscribers
// still open, as their own Close does. It leaves the host's connection,
// and the streams and consumers on the server, alone. Close is idempotent.
func (b *Backend) Close() error {
	b.mu.Lock()
	b.closed = true
	members := make([]*member, 0, len(b.members))
	for m := range b.members {
		members = append(members, m)
	}
	b.mu.Unlock()
	for _, m := range members {
		_ = m.Close() // member.Close never fails
	}
	return nil
}

func (b *Backend) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

func (b *Backend) forgetMember(m *member) {
	b.mu.Lock()
	delete(b.members, m)
	b.mu.Unlock()
}

func errClosed() error {
	return commerce.Errorf(commerce.CodeFailedPrecondition, "natsbus: backend is closed")
}
