package eventbus

import (
	"context"
	"errors"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"
)

// handledHub carries GoChannel's handled publishes: it hands each message
// to every subscription of its topic and waits until each acknowledged
// it. Unlike Watermill's GoChannel with BlockPublishUntilSubscriberAck,
// which holds a lock per topic while it waits, publishes of one topic
// proceed side by side, so a relay can forward a batch of events with
// one name concurrently; each Publish call still sends its own messages
// one at a time, in order.
type handledHub struct {
	mu     sync.RWMutex
	subs   map[string][]*handledSub
	closed bool
}

// handledSub is one subscription: the consumer reads ch until gone is
// closed.
type handledSub struct {
	ch   chan *message.Message
	gone chan struct{}
}

// errDeparted reports a subscription that ended with a message in flight.
var errDeparted = errors.New("eventbus: a subscription ended while the message was in flight; it may not have been handled")

func newHandledHub() *handledHub { return &handledHub{subs: map[string][]*handledSub{}} }

// subscribe returns the channel of topic's messages for one subscription,
// which ends when ctx does.
func (h *handledHub) subscribe(ctx context.Context, topic string) (<-chan *message.Message, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("eventbus: gochannel backend is closed")
	}
	s := &handledSub{ch: make(chan *message.Message), gone: make(chan struct{})}
	h.subs[topic] = append(h.subs[topic], s)
	context.AfterFunc(ctx, func() { h.unsubscribe(topic, s) })
	return s.ch, nil
}

func (h *handledHub) unsubscribe(topic string, s *handledSub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	subs := h.subs[topic]
	for i, x := range subs {
		if x == s {
			h.subs[topic] = append(subs[:i:i], subs[i+1:]...)
			close(s.gone)
			break
		}
	}
	if len(h.subs[topic]) == 0 {
		delete(h.subs, topic)
	}
}

// publish delivers msgs, one after the other, to every subscription of
// topic and returns once each acknowledged each message; a message
// nobody subscribes to is dropped. A negative acknowledgement makes the
// message go to that subscription again. It fails when a subscription
// ends with a message unacknowledged.
func (h *handledHub) publish(topic string, msgs ...*message.Message) error {
	for _, msg := range msgs {
		h.mu.RLock()
		if h.closed {
			h.mu.RUnlock()
			return errors.New("eventbus: gochannel backend is closed")
		}
		subs := h.subs[topic]
		h.mu.RUnlock()
		switch len(subs) {
		case 0:
			continue
		case 1:
			if err := deliverHandled(subs[0], msg); err != nil {
				return err
			}
			continue
		}
		errs := make([]error, len(subs))
		var wg sync.WaitGroup
		for i, s := range subs {
			wg.Go(func() { errs[i] = deliverHandled(s, msg) })
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
	}
	return nil
}

// deliverHandled hands a copy of msg to s until s acknowledges one.
func deliverHandled(s *handledSub, msg *message.Message) error {
	for {
		m := msg.Copy()
		m.SetContext(msg.Context())
		select {
		case s.ch <- m:
		case <-s.gone:
			return errDeparted
		}
		select {
		case <-m.Acked():
			return nil
		case <-m.Nacked():
			// offered again, as Watermill's GoChannel does
		case <-s.gone:
			return errDeparted
		}
	}
}

// close ends every subscription.
func (h *handledHub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for topic, subs := range h.subs {
		for _, s := range subs {
			close(s.gone)
		}
		delete(h.subs, topic)
	}
}
