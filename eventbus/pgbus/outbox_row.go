package pgbus

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ThreeDotsLabs/watermill/message"
)

// metadataDestinationTopic is the metadata key under which an outbox row
// names the bus topic its event goes to. The relay removes it before
// forwarding.
const metadataDestinationTopic = "pgbus_destination_topic"

// unwrapOutboxMessage returns the topic and the message of an outbox row.
// The Outbox writes the event as it is, its topic in the metadata: the
// row's message, which the relay read and owns, is the event, less that
// key. Rows written by earlier versions wrap the event in Watermill's
// forwarder envelope, its payload in base64; the relay still reads those,
// so an upgrade loses none of the events waiting in the outbox.
func unwrapOutboxMessage(row *message.Message) (string, *message.Message, error) {
	if topic := row.Metadata.Get(metadataDestinationTopic); topic != "" {
		delete(row.Metadata, metadataDestinationTopic)
		return topic, row, nil
	}
	return unwrapForwarderEnvelope(row)
}

// forwarderEnvelope is Watermill's forwarder envelope, in which earlier
// versions of the Outbox wrapped each event.
type forwarderEnvelope struct {
	DestinationTopic string            `json:"destination_topic"`
	UUID             string            `json:"uuid"`
	Payload          []byte            `json:"payload"`
	Metadata         map[string]string `json:"metadata"`
}

// unwrapForwarderEnvelope returns the topic and the message of a row
// written in the forwarder envelope.
func unwrapForwarderEnvelope(wrapped *message.Message) (string, *message.Message, error) {
	var e forwarderEnvelope
	if err := json.Unmarshal(wrapped.Payload, &e); err != nil {
		return "", nil, fmt.Errorf("decode the envelope: %w", err)
	}
	if e.DestinationTopic == "" {
		return "", nil, errors.New("the row names no destination topic")
	}
	msg := message.NewMessage(e.UUID, e.Payload)
	msg.Metadata = e.Metadata
	if msg.Metadata == nil {
		msg.Metadata = message.Metadata{}
	}
	return e.DestinationTopic, msg, nil
}
