package natsbus_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/eventbus/natsbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// testAckWait keeps redelivery after an unacked event quick in tests.
const testAckWait = 2 * time.Second

// waitFor bounds every wait for a delivery in these tests.
const waitFor = 15 * time.Second

// config runs the suite against backends sharing env's connection: a
// backend that closed or drained it would break every subtest after it.
func config(env *testenv.NATSEnv) eventbustest.Config {
	return eventbustest.Config{
		NewBackend: func(t testing.TB) eventbus.Backend {
			return newBackend(t, env, &natsbus.Options{AckWaitTimeout: testAckWait})
		},
		TopicPrefix: env.Prefix,
		// One member with SubscribersCount 1 handles events one at a time
		// in stream order; see the package documentation.
		Ordered: true,
		Durable: true,
		Timeout: waitFor,
	}
}

func TestConformance(t *testing.T) {
	eventbustest.Run(t, config(testenv.NATS(t)))
}

func TestNewValidatesArguments(t *testing.T) {
	env := testenv.NATS(t)
	for name, opts := range map[string]*natsbus.Options{
		"negative ack wait":        {AckWaitTimeout: -time.Second},
		"negative nak delay":       {NakDelay: -time.Second},
		"negative max age":         {MaxAge: -time.Second},
		"negative request timeout": {RequestTimeout: -time.Second},
		"negative subscribers":     {SubscribersCount: -1},
		"negative max ack pending": {MaxAckPending: -1},
		"too many replicas":        {Replicas: 6},
	} {
		_, err := natsbus.New(env.Conn, opts)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), name)
	}
	_, err := natsbus.New(nil, nil)
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))

	closed, err := nats.Connect(env.URL)
	require.NoError(t, err)
	closed.Close()
	_, err = natsbus.New(closed, nil)
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))

	b, err := natsbus.New(env.Conn, nil)
	require.NoError(t, err)
	require.NoError(t, b.Close())
}

func TestNewSubscriberValidatesGroup(t *testing.T) {
	env := testenv.NATS(t)
	b := newBackend(t, env, nil)
	for _, group := range []string{"", "has space", "dotted.name", "wild*", strings.Repeat("g", 65)} {
		_, err := b.NewSubscriber(group)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "group %q", group)
	}
	sub, err := b.NewSubscriber("Valid_group-1")
	require.NoError(t, err)
	require.NoError(t, sub.Close())

	err = b.Publisher().Publish("not.a.topic", message.NewMessage(watermill.NewUUID(), nil))
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func TestCloseLeavesHostConnectionOpen(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "close"
	b := newBackend(t, env, nil)
	sub, err := b.NewSubscriber("g")
	require.NoError(t, err)
	_, err = sub.Subscribe(context.Background(), topic)
	require.NoError(t, err)
	require.NoError(t, sub.Close())
	require.NoError(t, sub.Close(), "subscriber Close is idempotent")
	open, err := b.NewSubscriber("g")
	require.NoError(t, err)
	_, err = open.Subscribe(context.Background(), topic)
	require.NoError(t, err)

	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "backend Close is idempotent")
	assert.True(t, env.Conn.IsConnected(), "the host's connection was closed")
	assert.False(t, env.Conn.IsDraining(), "the host's connection is draining")

	err = b.Publisher().Publish(topic, message.NewMessage(watermill.NewUUID(), nil))
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
	_, err = b.NewSubscriber("g")
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
	_, err = open.Subscribe(context.Background(), topic)
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "Backend.Close closed the open subscriber")
}

func TestGroupResumesWhereItStopped(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "resume"
	b := newBackend(t, env, &natsbus.Options{AckWaitTimeout: testAckWait})
	publish(t, b, topic, "1", "2", "3")

	first := subscribe(t, b, "g", topic)
	for _, want := range []string{"1", "2", "3"} {
		msg := receive(t, first.messages)
		assert.Equal(t, want, string(msg.Payload))
		msg.Ack()
	}
	require.NoError(t, first.sub.Close())

	// The group's last member left; its consumer, and so its position,
	// must remain.
	publish(t, b, topic, "4", "5")
	second := subscribe(t, b, "g", topic)
	for _, want := range []string{"4", "5"} {
		msg := receive(t, second.messages)
		assert.Equal(t, want, string(msg.Payload), "the group restarted instead of resuming")
		msg.Ack()
	}
	eventuallySettled(t, env, topic, "g")
}

func TestUnackedEventRedeliveredAfterAckWait(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "ackwait"
	b := newBackend(t, env, &natsbus.Options{AckWaitTimeout: time.Second})
	s := subscribe(t, b, "g", topic)
	publish(t, b, topic, "x")

	first := receive(t, s.messages) // and never acked
	again := receive(t, s.messages)
	assert.Equal(t, first.UUID, again.UUID)
	again.Ack()
	eventuallySettled(t, env, topic, "g")
}

func TestNackedEventRedelivered(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "nack"
	b := newBackend(t, env, &natsbus.Options{AckWaitTimeout: time.Minute, NakDelay: 10 * time.Millisecond})
	s := subscribe(t, b, "g", topic)
	publish(t, b, topic, "x")

	first := receive(t, s.messages)
	first.Nack()
	// AckWaitTimeout is a minute, so only the nack can bring it back
	// within waitFor.
	again := receive(t, s.messages)
	assert.Equal(t, first.UUID, again.UUID)
	again.Ack()
	eventuallySettled(t, env, topic, "g")
}

func TestGroupsShareAndEachGetEverything(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "groups"
	b := newBackend(t, env, nil)
	a1, a2, solo := subscribe(t, b, "a", topic), subscribe(t, b, "a", topic), subscribe(t, b, "solo", topic)

	const n = 20
	var payloads []string
	for i := range n {
		payloads = append(payloads, string(rune('A'+i)))
	}
	publish(t, b, topic, payloads...)

	var mu sync.Mutex
	got := map[string][]string{}
	var wg sync.WaitGroup
	for name, s := range map[string]subscription{"a1": a1, "a2": a2, "solo": solo} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for msg := range s.messages {
				mu.Lock()
				got[name] = append(got[name], string(msg.Payload))
				mu.Unlock()
				msg.Ack()
			}
		}()
	}
	eventuallySettled(t, env, topic, "a")
	eventuallySettled(t, env, topic, "solo")
	for _, s := range []subscription{a1, a2, solo} {
		require.NoError(t, s.sub.Close())
	}
	wg.Wait()
	assert.ElementsMatch(t, payloads, append(got["a1"], got["a2"]...), "group a handles each event once")
	assert.Equal(t, payloads, got["solo"], "a lone member gets every event in order")
}

func TestCloseWaitsForInFlightAndGivesBackTheRest(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "drain"
	// An ack wait far beyond waitFor: the events can only reach the second
	// member in time if the first one gives them back.
	b := newBackend(t, env, &natsbus.Options{AckWaitTimeout: 5 * time.Minute})
	first := subscribe(t, b, "g", topic)
	publish(t, b, topic, "1", "2", "3", "4")
	inFlight := receive(t, first.messages)
	require.Equal(t, "1", string(inFlight.Payload))

	closed := make(chan error, 1)
	go func() { closed <- first.sub.Close() }()
	select {
	case <-inFlight.Context().Done(): // Close has begun
	case <-time.After(waitFor):
		t.Fatal("Close did not cancel the in-flight message's context")
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) before the in-flight event was acked", err)
	default:
	}
	inFlight.Ack()
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(waitFor):
		t.Fatal("Close did not return after the in-flight event was acked")
	}
	_, open := <-first.messages
	assert.False(t, open, "the subscription's channel is closed")

	second := subscribe(t, b, "g", topic)
	for _, want := range []string{"2", "3", "4"} {
		msg := receive(t, second.messages)
		assert.Equal(t, want, string(msg.Payload))
		msg.Ack()
	}
	// Settled means the first event's ack, sent while closing, counted.
	eventuallySettled(t, env, topic, "g")
}

func TestPublishRecreatesDeletedStream(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "recreate"
	b := newBackend(t, env, nil)
	publish(t, b, topic, "before")

	js, err := env.JetStream()
	require.NoError(t, err)
	ctx := testContext(t)
	require.NoError(t, js.DeleteStream(ctx, topic))
	publish(t, b, topic, "after")

	stream, err := js.Stream(ctx, topic)
	require.NoError(t, err)
	info, err := stream.Info(ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), info.State.Msgs)
}

func TestConsumerFollowsOptions(t *testing.T) {
	env := testenv.NATS(t)
	topic := env.Prefix + "settings"
	s := subscribe(t, newBackend(t, env, &natsbus.Options{AckWaitTimeout: 3 * time.Second, MaxAckPending: 10}), "g", topic)
	require.NoError(t, s.sub.Close())
	assert.Equal(t, 3*time.Second, consumerInfo(t, env, topic, "g").Config.AckWait)

	s = subscribe(t, newBackend(t, env, &natsbus.Options{AckWaitTimeout: 4 * time.Second, MaxAckPending: 20}), "g", topic)
	require.NoError(t, s.sub.Close())
	cfg := consumerInfo(t, env, topic, "g").Config
	assert.Equal(t, 4*time.Second, cfg.AckWait)
	assert.Equal(t, 20, cfg.MaxAckPending)
	assert.Equal(t, "g", cfg.Durable)
	assert.Equal(t, jetstream.DeliverAllPolicy, cfg.DeliverPolicy)
}

// --- helpers ---------------------------------------------------------------

// newBackend returns a backend on env's connection, closed at cleanup.
func newBackend(t testing.TB, env *testenv.NATSEnv, opts *natsbus.Options) *natsbus.Backend {
	t.Helper()
	var o natsbus.Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = eventbustest.Logger(t)
	}
	b, err := natsbus.New(env.Conn, &o)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

type subscription struct {
	sub      message.Subscriber
	messages <-chan *message.Message
}

// subscribe adds a member of group on topic, closed at cleanup.
func subscribe(t *testing.T, b *natsbus.Backend, group, topic string) subscription {
	t.Helper()
	sub, err := b.NewSubscriber(group)
	require.NoError(t, err)
	t.Cleanup(func() { _ = sub.Close() })
	messages, err := sub.Subscribe(testContext(t), topic)
	require.NoError(t, err)
	return subscription{sub: sub, messages: messages}
}

func publish(t *testing.T, b *natsbus.Backend, topic string, payloads ...string) {
	t.Helper()
	var msgs []*message.Message
	for _, p := range payloads {
		msgs = append(msgs, message.NewMessage(watermill.NewUUID(), []byte(p)))
	}
	require.NoError(t, b.Publisher().Publish(topic, msgs...))
}

func receive(t *testing.T, messages <-chan *message.Message) *message.Message {
	t.Helper()
	select {
	case msg, ok := <-messages:
		require.True(t, ok, "subscription closed")
		return msg
	case <-time.After(waitFor):
		t.Fatalf("no message within %s", waitFor)
		return nil
	}
}

func consumerInfo(t *testing.T, env *testenv.NATSEnv, topic, group string) *jetstream.ConsumerInfo {
	t.Helper()
	info, err := fetchConsumerInfo(testContext(t), env, topic, group)
	require.NoError(t, err)
	return info
}

func fetchConsumerInfo(ctx context.Context, env *testenv.NATSEnv, topic, group string) (*jetstream.ConsumerInfo, error) {
	js, err := env.JetStream()
	if err != nil {
		return nil, err
	}
	consumer, err := js.PushConsumer(ctx, topic, group)
	if err != nil {
		return nil, err
	}
	return consumer.Info(ctx)
}

// eventuallySettled waits until group has been sent everything on topic
// and every event it was sent is acked.
func eventuallySettled(t *testing.T, env *testenv.NATSEnv, topic, group string) {
	t.Helper()
	ctx := testContext(t)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		info, err := fetchConsumerInfo(ctx, env, topic, group)
		if !assert.NoError(c, err) {
			return
		}
		assert.Zero(c, info.NumPending, "undelivered")
		assert.Zero(c, info.NumAckPending, "unacked")
	}, waitFor, 10*time.Millisecond)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitFor)
	t.Cleanup(cancel)
	return ctx
}
