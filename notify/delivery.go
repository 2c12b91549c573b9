package notify

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Status is where a delivery stands.
type Status string

// The statuses of a delivery. Sent and FailedPermanent are final;
// Pending means a sender holds the delivery's lease; FailedTransient may be
// taken up again by a later attempt.
const (
	StatusPending         Status = "pending"
	StatusSent            Status = "sent"
	StatusFailedTransient Status = "failed_transient"
	StatusFailedPermanent Status = "failed_permanent"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusPending, StatusSent, StatusFailedTransient, StatusFailedPermanent:
		return true
	}
	return false
}

// Final reports whether no further attempt will be made.
func (s Status) Final() bool { return s == StatusSent || s == StatusFailedPermanent }

// DeliveryKey deduplicates deliveries: one event is delivered at most once
// through one channel to one address.
type DeliveryKey struct {
	EventID commerce.EventID
	Channel string
	To      string
}

// Delivery is one message of one event through one channel to one
// address, and the record of what became of it: the dedupe record and the
// delivery log entry at once.
type Delivery struct {
	ID commerce.NotificationID `json:"id"`
	// EventID, Channel and To are the DeliveryKey.
	EventID commerce.EventID `json:"event_id"`
	Event   string           `json:"event"`
	Channel string           `json:"channel"`
	Kind    Kind             `json:"kind"`
	To      string           `json:"to"`
	// CustomerID and OrderID index the delivery log; either may be zero.
	CustomerID commerce.CustomerID `json:"customer_id,omitempty"`
	OrderID    commerce.OrderID    `json:"order_id,omitempty"`
	Status     Status              `json:"status"`
	// Attempts counts the channel sends made for this delivery, across
	// every claim.
	Attempts    int    `json:"attempts"`
	LastError   string `json:"last_error,omitempty"`
	ProviderRef string `json:"provider_ref,omitempty"`
	// LeaseUntil is when a pending claim becomes stale: from then on a
	// later attempt may take it over.
	LeaseUntil time.Time `json:"lease_until"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Key returns d's dedupe key.
func (d Delivery) Key() DeliveryKey {
	return DeliveryKey{EventID: d.EventID, Channel: d.Channel, To: d.To}
}

// Outcome is what a sender records after trying a claimed delivery.
type Outcome struct {
	// Status is Sent, FailedTransient or FailedPermanent.
	Status Status
	// Attempts is the delivery's new total of sends.
	Attempts    int
	LastError   string
	ProviderRef string
	// At is when the outcome happened; it becomes UpdatedAt.
	At time.Time
}
