package commerce

import (
	"regexp"
	"time"
)

// Event is a domain event: a plain struct whose EventName is stable for the
// life of the system ("order.confirmed", "cart.item_added"). EventName must
// not depend on the receiver's fields, because the registry calls it on the
// zero value.
type Event interface {
	EventName() string
}

// VersionedEvent is implemented by events whose payload schema has changed
// since version 1. Consumers read Envelope.Version to decode old payloads.
type VersionedEvent interface {
	Event
	EventVersion() int
}

// eventNamePattern is lower-case dot-separated words: "order.confirmed".
// Transports derive topic names from it, so it is kept deliberately narrow.
var eventNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// ValidateEventName reports whether name is a well-formed event name:
// two or more lower-case words of [a-z0-9_] joined by dots.
func ValidateEventName(name string) error {
	if len(name) > 128 || !eventNamePattern.MatchString(name) {
		return Errorf(CodeInvalidArgument, "event name %q must be lower-case dot-separated words such as \"order.confirmed\"", name)
	}
	return nil
}

// Envelope wraps a domain event with what every transport and consumer
// needs: a unique ID for deduplication, the event name for routing, the
// aggregate it belongs to (the unit of ordering), when it happened, and the
// payload's schema version.
type Envelope struct {
	ID          EventID   `json:"id"`
	Name        string    `json:"name"`
	AggregateID string    `json:"aggregate_id"`
	OccurredAt  time.Time `json:"occurred_at"`
	Version     int       `json:"version"`
	Payload     Event     `json:"payload"`
}

// NewEnvelope wraps e with a fresh event ID. aggregateID identifies the
// entity the event is about (an order ID, a cart ID); events of one
// aggregate are delivered in order by backends that promise ordering.
func NewEnvelope(aggregateID string, occurredAt time.Time, e Event) Envelope {
	version := 1
	if v, ok := e.(VersionedEvent); ok {
		version = v.EventVersion()
	}
	return Envelope{
		ID:          NewID[EventID](),
		Name:        e.EventName(),
		AggregateID: aggregateID,
		OccurredAt:  occurredAt.UTC(),
		Version:     version,
		Payload:     e,
	}
}

// Validate reports whether the envelope can be published.
func (env Envelope) Validate() error {
	if err := env.ID.Validate(); err != nil {
		return Errorf(CodeInvalidArgument, "event id: %w", err)
	}
	if err := ValidateEventName(env.Name); err != nil {
		return err
	}
	if env.AggregateID == "" {
		return Errorf(CodeInvalidArgument, "event %s: aggregate id is required", env.Name)
	}
	if env.OccurredAt.IsZero() {
		return Errorf(CodeInvalidArgument, "event %s: occurred-at is required", env.Name)
	}
	if env.Version < 1 {
		return Errorf(CodeInvalidArgument, "event %s: version must be at least 1, got %d", env.Name, env.Version)
	}
	if env.Payload == nil {
		return Errorf(CodeInvalidArgument, "event %s: payload is required", env.Name)
	}
	if env.Payload.EventName() != env.Name {
		return Errorf(CodeInvalidArgument, "event %s: payload is a %q event", env.Name, env.Payload.EventName())
	}
	return nil
}
