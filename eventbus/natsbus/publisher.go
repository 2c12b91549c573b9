package natsbus

import (
	"errors"
	"fmt"

	wmnats "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/nats-io/nats.go"
)

// publisher provisions the topic's stream and hands the messages to the
// Watermill NATS publisher. It exists because that publisher's Close
// closes the connection, which belongs to the host.
type publisher struct {
	backend *Backend
	inner   *wmnats.Publisher
}

// Publish stores messages on topic's stream in order and returns once
// JetStream has acknowledged each one. It stops at the first failure; the
// messages before it are stored.
func (p *publisher) Publish(topic string, messages ...*message.Message) error {
	if p.backend.isClosed() {
		return errClosed()
	}
	if len(messages) == 0 {
		return nil
	}
	// The bus puts the caller's context on every message of a batch.
	ctx := messages[0].Context()
	if err := p.backend.ensureStream(ctx, topic); err != nil {
		return err
	}
	for _, msg := range messages {
		err := p.inner.Publish(topic, msg)
		if errors.Is(err, nats.ErrNoStreamResponse) {
			// The stream was deleted since it was provisioned (an
			// operator, a test cleanup): create it again, once.
			p.backend.forgetStream(topic)
			if err = p.backend.ensureStream(ctx, topic); err == nil {
				err = p.inner.Publish(topic, msg)
			}
		}
		if err != nil {
			return fmt.Errorf("natsbus: publish %s to %s: %w", msg.UUID, topic, err)
		}
	}
	return nil
}

// Close does nothing: the backend owns the publisher, and Backend.Close
// is what stops it.
func (p *publisher) Close() error { return nil }
