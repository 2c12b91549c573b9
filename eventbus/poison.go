package eventbus

import (
	"context"
	"maps"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
)

// PoisonedEvent is an event whose handler failed on every attempt, as it
// sits on the poison topic. The payload is kept raw because the reason it
// failed may be that it does not decode.
type PoisonedEvent struct {
	// EventID, Name and AggregateID identify the original event.
	EventID     string
	Name        string
	AggregateID string
	// Payload is the original payload, undecoded.
	Payload []byte
	// Reason is the last error the handler returned.
	Reason string
	// Handler is the consumer group and event name of the failing handler.
	Handler string
	// Topic is the topic the event was consumed from; Replay sends it back there.
	Topic string
	// Metadata is every metadata entry the event carried on the poison topic.
	Metadata map[string]string
}

// SubscribePoisoned runs h for every event that reaches the poison topic in
// consumer group group: alert on it, store it, or Replay it after a fix.
// A failing h is retried and then redelivered, never poisoned again.
func (b *Bus) SubscribePoisoned(group string, h func(ctx context.Context, p PoisonedEvent) error) error {
	if err := ValidateGroup(group); err != nil {
		return err
	}
	if h == nil {
		return commerce.Errorf(commerce.CodeInvalidArgument, "eventbus: handler is nil")
	}
	return b.addHandler(group, "eventbus.poisoned", b.PoisonTopic(), false, func(msg *message.Message) error {
		ctx, cancel := b.contextFor(msg)
		defer cancel()
		return h(ctx, PoisonedEvent{
			EventID:     msg.UUID,
			Name:        msg.Metadata.Get(MetadataEventName),
			AggregateID: msg.Metadata.Get(MetadataAggregateID),
			Payload:     msg.Payload,
			Reason:      msg.Metadata.Get(MetadataPoisonReason),
			Handler:     msg.Metadata.Get(MetadataPoisonHandler),
			Topic:       msg.Metadata.Get(MetadataPoisonTopic),
			Metadata:    maps.Clone(msg.Metadata),
		})
	})
}

// Replay publishes a poisoned event back to the topic it came from, with
// its original ID, so every group consumes it again; groups that had
// already handled it skip it through deduplication or idempotency.
func (b *Bus) Replay(ctx context.Context, p PoisonedEvent) error {
	if p.Topic == "" {
		return commerce.Errorf(commerce.CodeInvalidArgument, "eventbus: replay %s: poisoned event has no topic", p.EventID)
	}
	msg := message.NewMessage(p.EventID, p.Payload)
	for k, v := range p.Metadata {
		switch k {
		case MetadataPoisonReason, MetadataPoisonHandler, MetadataPoisonTopic:
		default:
			msg.Metadata.Set(k, v)
		}
	}
	msg.SetContext(ctx)
	if err := b.backend.Publisher().Publish(p.Topic, msg); err != nil {
		return commerce.Errorf(commerce.CodeUnavailable, "eventbus: replay %s: %w", p.EventID, err)
	}
	return nil
}
