package customer

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Registered is published when a customer registers, whether new or an
// upgraded guest. The notifier sends the welcome message.
type Registered struct {
	CustomerID commerce.CustomerID `json:"customer_id"`
	Email      string              `json:"email"`
	Name       string              `json:"name,omitempty"`
	// WasGuest is true when a guest account was upgraded in place.
	WasGuest bool `json:"was_guest,omitempty"`
}

// EventName returns "customer.registered".
func (Registered) EventName() string { return "customer.registered" }

// PasswordResetRequested is published when a registered customer asks to
// reset a password. It carries the reset token itself, because the
// notifier must mail it and the store keeps only its hash: the bus that
// carries this event must therefore be private to the shop's services,
// and consumers must not log the payload.
type PasswordResetRequested struct {
	CustomerID commerce.CustomerID `json:"customer_id"`
	Email      string              `json:"email"`
	Name       string              `json:"name,omitempty"`
	// Token is the secret to put in the reset link.
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// EventName returns "customer.password_reset_requested".
func (PasswordResetRequested) EventName() string { return "customer.password_reset_requested" }

// Updated is published when a customer's profile (name, phone, addresses
// or preferences) changes. It carries the new preferences so that the
// notifier may cache them.
type Updated struct {
	CustomerID  commerce.CustomerID `json:"customer_id"`
	Email       string              `json:"email"`
	Preferences Preferences         `json:"preferences"`
	// Fields lists the JSON names of the fields that changed.
	Fields []string `json:"fields"`
}

// EventName returns "customer.updated".
func (Updated) EventName() string { return "customer.updated" }

// RegisterEvents registers every event of this package with r.
func RegisterEvents(r *commerce.EventRegistry) {
	// The names are constants of this package, so registration cannot
	// fail except through a conflicting registration by another package,
	// which the registry reports when that package registers.
	_ = commerce.RegisterEvent[Registered](r)
	_ = commerce.RegisterEvent[PasswordResetRequested](r)
	_ = commerce.RegisterEvent[Updated](r)
}
