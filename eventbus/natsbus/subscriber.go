package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"

	"github.com/mercatohq/mercato/commerce"
)

// member is one member of a consumer group: a message.Subscriber whose
// subscriptions join the group's queue on each topic.
//
// It is written on nats.go directly rather than on the Watermill NATS
// subscriber, whose Close drains the connection (the host's, here; and the
// router closes its subscribers on its own), whose subscriptions let
// nats.go delete the group's durable consumer when they end, and which
// drops the acknowledgement of a message still being handled when it
// closes. The wire format stays Watermill's NATSMarshaler.
type member struct {
	backend *Backend
	group   string

	// stop is cancelled by Close and ends every subscription.
	stop   context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

func newMember(b *Backend, group string) *member {
	stop, cancel := context.WithCancel(context.Background())
	return &member{backend: b, group: group, stop: stop, cancel: cancel}
}

// Subscribe joins the group on topic. The returned channel is closed once
// ctx is cancelled or the subscriber closed, and every message handed out
// has been acked, nacked or left to JetStream's ack wait.
func (m *member) Subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "natsbus: subscriber is closed")
	}
	m.wg.Add(1) // under mu, so Close cannot be waiting yet
	m.mu.Unlock()
	s, err := m.subscribe(ctx, topic)
	if err != nil {
		m.wg.Done()
		return nil, err
	}
	go func() {
		defer m.wg.Done()
		s.run()
	}()
	return s.out, nil
}

func (m *member) subscribe(ctx context.Context, topic string) (*subscription, error) {
	b := m.backend
	if b.isClosed() {
		return nil, errClosed()
	}
	if err := b.ensureStream(ctx, topic); err != nil {
		return nil, err
	}
	info, err := b.ensureConsumer(ctx, topic, m.group)
	if err != nil {
		return nil, err
	}
	// JetStream never has more than MaxAckPending of the group's events
	// out at once, so a buffer that large cannot overflow; an overflow
	// would drop events until their ack wait ran out.
	buffer := make(chan *nats.Msg, max(info.Config.MaxAckPending, 1))
	sub, err := b.js.ChanQueueSubscribe(topic, m.group, buffer, nats.Bind(topic, m.group))
	if err != nil {
		return nil, fmt.Errorf("natsbus: subscribe to %s in group %s: %w", topic, m.group, err)
	}
	subCtx, cancel := context.WithCancel(ctx)
	stopOnClose := context.AfterFunc(m.stop, cancel)
	return &subscription{
		conn:    b.conn,
		sub:     sub,
		buffer:  buffer,
		out:     make(chan *message.Message),
		ctx:     subCtx,
		release: func() { stopOnClose(); cancel() },
		workers: b.opts.SubscribersCount,
		ackWait: b.opts.AckWaitTimeout,
		nakWait: b.opts.NakDelay,
		timeout: b.opts.RequestTimeout,
		logger:  b.opts.Logger.With("group", m.group, "topic", topic),
	}, nil
}

// Close ends the subscriptions: they take no new message, wait for the
// ones in flight to be acked or nacked (at most AckWaitTimeout), give the
// rest back to the group and close their channels. It never closes the
// connection. Close is idempotent and always returns nil.
func (m *member) Close() error {
	m.mu.Lock()
	m.closed = true
	m.mu.Unlock()
	m.cancel()
	m.wg.Wait()
	m.backend.forgetMember(m)
	return nil
}

// subscription is one member's queue subscription to one topic.
type subscription struct {
	conn    *nats.Conn
	sub     *nats.Subscription
	buffer  chan *nats.Msg
	out     chan *message.Message
	ctx     context.Context // ends the subscription
	release func()
	workers int
	ackWait time.Duration
	nakWait time.Duration
	timeout time.Duration
	logger  *slog.Logger
}

func (s *subscription) run() {
	defer s.release()
	var workers sync.WaitGroup
	for range s.workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			s.work()
		}()
	}
	workers.Wait()

	s.stopDelivery()
	// Hand buffered events straight back to the group instead of leaving
	// them until their ack wait runs out.
	for drained := false; !drained; {
		select {
		case msg := <-s.buffer:
			s.nak(msg, 0)
		default:
			drained = true
		}
	}
	// Acks and naks are sent without waiting for a reply; make sure the
	// server has them before Close returns and the host may close the
	// connection.
	if err := s.conn.FlushTimeout(s.timeout); err != nil && !connectionGone(err) {
		s.logger.Warn("natsbus: flush acks; unflushed events will be redelivered", "err", err)
	}
	close(s.out)
}

// stopDelivery ends the subscription's interest without losing what the
// server already sent. A plain Unsubscribe would drop events still on the
// wire, which JetStream counts as delivered and would hold back until
// their ack wait ran out; draining tells the server to stop and keeps
// receiving until everything it sent before that is in the buffer.
func (s *subscription) stopDelivery() {
	closed := s.sub.StatusChanged(nats.SubscriptionClosed)
	if err := s.sub.Drain(); err != nil {
		if !connectionGone(err) {
			s.logger.Warn("natsbus: drain subscription", "err", err)
		}
		_ = s.sub.Unsubscribe() // nothing more to do if this fails too
		return
	}
	timeout := time.NewTimer(s.timeout)
	defer timeout.Stop()
	select {
	case <-closed:
	case <-timeout.C:
		s.logger.Warn("natsbus: subscription not drained in time; events in flight will be redelivered after the ack wait", "timeout", s.timeout)
		_ = s.sub.Unsubscribe()
	}
}

// work handles events one at a time until the subscription ends.
func (s *subscription) work() {
	for {
		// Checked first so that an ending subscription takes no new event
		// even when one is waiting.
		if s.ctx.Err() != nil {
			return
		}
		select {
		case <-s.ctx.Done():
			return
		case msg := <-s.buffer:
			s.handle(msg)
		}
	}
}

// handle hands one event to the consumer and relays its ack or nack to
// JetStream.
func (s *subscription) handle(nm *nats.Msg) {
	msg, err := (&wmnats.NATSMarshaler{}).Unmarshal(nm)
	if err != nil {
		// Not a message a Watermill publisher wrote: no redelivery can
		// fix it, and an ack would drop it without a trace.
		s.logger.Error("natsbus: undecodable message terminated", "subject", nm.Subject, "err", err)
		if err := nm.Term(); err != nil {
			s.logger.Warn("natsbus: terminate", "err", err)
		}
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	msg.SetContext(ctx)
	select {
	case s.out <- msg:
	case <-s.ctx.Done():
		s.nak(nm, 0) // never handed out: give it to another member now
		return
	}

	// Once handed out, the event is waited for even while the
	// subscription ends, so that a draining handler's ack still counts.
	timeout := time.NewTimer(s.ackWait)
	defer timeout.Stop()
	select {
	case <-msg.Acked():
		// Not AckSync: waiting for the server's reply to every ack cuts a
		// member's throughput to a third, and a lost ack only means a
		// redelivery, which at-least-once delivery allows anyway.
		if err := nm.Ack(); err != nil {
			s.logger.Warn("natsbus: ack failed; the event will be redelivered", "message_uuid", msg.UUID, "err", err)
		}
	case <-msg.Nacked():
		s.nak(nm, s.nakWait)
	case <-timeout.C:
		s.logger.Warn("natsbus: event not acked within AckWaitTimeout; JetStream redelivers it", "message_uuid", msg.UUID, "ack_wait", s.ackWait)
	}
}

func (s *subscription) nak(nm *nats.Msg, delay time.Duration) {
	var err error
	if delay > 0 {
		err = nm.NakWithDelay(delay)
	} else {
		err = nm.Nak()
	}
	if err != nil {
		s.logger.Warn("natsbus: nak failed; the event will be redelivered after the ack wait", "err", err)
	}
}

// connectionGone reports whether err means the host closed or drained the
// connection under the subscription, which already ended its interest.
func connectionGone(err error) bool {
	return errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, nats.ErrConnectionDraining) || errors.Is(err, nats.ErrBadSubscription)
}
