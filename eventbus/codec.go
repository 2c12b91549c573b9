package eventbus

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/commerce"
)

// Metadata keys of a Mercato event on the wire. The payload is the event
// struct as JSON; everything else in the envelope travels as metadata so a
// consumer can route and deduplicate without decoding the payload.
const (
	MetadataEventName   = "event_name"
	MetadataAggregateID = "aggregate_id"
	MetadataOccurredAt  = "occurred_at"
	MetadataVersion     = "event_version"
)

// EncodeMessage returns the Watermill message env travels as on every
// backend: what Bus.Encode returns, for an outbox that has no bus at hand
// and routes by event name when it is relayed.
func EncodeMessage(env commerce.Envelope) (*message.Message, error) { return marshalEnvelope(env) }

// DecodeMessage reads back an event that EncodeMessage (or Bus.Encode)
// wrote, decoding its payload with registry. Its failures are permanent
// (commerce.IsPermanent): the same bytes can never decode.
func DecodeMessage(msg *message.Message, registry *commerce.EventRegistry) (commerce.Envelope, error) {
	return unmarshalEnvelope(msg, registry)
}

// marshalEnvelope turns an envelope into a Watermill message whose UUID is
// the event ID, so every backend's message identity is the event identity.
func marshalEnvelope(env commerce.Envelope) (*message.Message, error) {
	if err := env.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(env.Payload)
	if err != nil {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "encode event %s: %w", env.Name, err)
	}
	msg := message.NewMessage(env.ID.String(), payload)
	msg.Metadata.Set(MetadataEventName, env.Name)
	msg.Metadata.Set(MetadataAggregateID, env.AggregateID)
	msg.Metadata.Set(MetadataOccurredAt, env.OccurredAt.UTC().Format(time.RFC3339Nano))
	msg.Metadata.Set(MetadataVersion, strconv.Itoa(env.Version))
	return msg, nil
}

// unmarshalEnvelope reads back what marshalEnvelope wrote. Failures are
// permanent: redelivering the same bytes cannot make them decode.
func unmarshalEnvelope(msg *message.Message, registry *commerce.EventRegistry) (commerce.Envelope, error) {
	env, err := envelopeHeader(msg)
	if err != nil {
		return env, err
	}
	env.Payload, err = registry.Decode(env.Name, msg.Payload)
	if err != nil {
		return env, commerce.Permanent(err)
	}
	return env, nil
}

// envelopeHeader decodes everything but the payload.
func envelopeHeader(msg *message.Message) (commerce.Envelope, error) {
	id, err := commerce.ParseID[commerce.EventID](msg.UUID)
	if err != nil {
		return commerce.Envelope{}, commerce.Permanent(err)
	}
	occurred, err := time.Parse(time.RFC3339Nano, msg.Metadata.Get(MetadataOccurredAt))
	if err != nil {
		return commerce.Envelope{}, commerce.Permanent(commerce.Errorf(commerce.CodeInvalidArgument, "event %s: occurred-at: %w", id, err))
	}
	version, err := strconv.Atoi(msg.Metadata.Get(MetadataVersion))
	if err != nil {
		return commerce.Envelope{}, commerce.Permanent(commerce.Errorf(commerce.CodeInvalidArgument, "event %s: version: %w", id, err))
	}
	return commerce.Envelope{
		ID:          id,
		Name:        msg.Metadata.Get(MetadataEventName),
		AggregateID: msg.Metadata.Get(MetadataAggregateID),
		OccurredAt:  occurred,
		Version:     version,
	}, nil
}
