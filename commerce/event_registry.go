package commerce

import (
	"encoding/json"
	"reflect"
	"sort"
	"sync"
)

// EventRegistry maps event names to the Go types that decode them, so a
// consumer receiving bytes off a bus gets back the same struct the producer
// published. It is safe for concurrent use.
type EventRegistry struct {
	mu    sync.RWMutex
	types map[string]reflect.Type
}

// NewEventRegistry returns an empty registry.
func NewEventRegistry() *EventRegistry {
	return &EventRegistry{types: make(map[string]reflect.Type)}
}

// RegisterEvent maps E's event name to E. Registering the same type twice
// is a no-op; registering a different type under a taken name is a
// CodeConflict error, because two decoders for one name would make
// consumers disagree about what they received.
func RegisterEvent[E Event](r *EventRegistry) error {
	t := reflect.TypeFor[E]()
	name := EventNameOf[E]()
	if err := ValidateEventName(name); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if existing, ok := r.types[name]; ok && existing != t {
		return Errorf(CodeConflict, "event %q is already registered as %s, cannot register %s", name, existing, t)
	}
	r.types[name] = t
	return nil
}

// EventNameOf returns the event name of type E. For a pointer type it asks
// a fresh zero value, so a method with a pointer receiver may read fields.
func EventNameOf[E Event]() string {
	var zero E
	if t := reflect.TypeFor[E](); t.Kind() == reflect.Pointer {
		zero = reflect.New(t.Elem()).Interface().(E)
	}
	return zero.EventName()
}

// Registered reports whether name has a registered type.
func (r *EventRegistry) Registered(name string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.types[name]
	return ok
}

// Decode returns the payload of event name decoded from JSON into its
// registered type. An unregistered name or a payload that does not fit the
// type is a CodeInvalidArgument error.
func (r *EventRegistry) Decode(name string, data []byte) (Event, error) {
	r.mu.RLock()
	t, ok := r.types[name]
	r.mu.RUnlock()
	if !ok {
		return nil, Errorf(CodeInvalidArgument, "event %q is not registered", name)
	}
	target := t
	if t.Kind() == reflect.Pointer {
		target = t.Elem()
	}
	v := reflect.New(target)
	if err := json.Unmarshal(data, v.Interface()); err != nil {
		return nil, Errorf(CodeInvalidArgument, "decode event %q: %w", name, err)
	}
	if t.Kind() == reflect.Pointer {
		return v.Interface().(Event), nil
	}
	return v.Elem().Interface().(Event), nil
}

// Names returns the registered event names in sorted order.
func (r *EventRegistry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.types))
	for n := range r.types {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
