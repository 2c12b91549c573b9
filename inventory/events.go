package inventory

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Reason values of Released.
const (
	ReleaseReasonReleased = "released"
	ReleaseReasonExpired  = "expired"
)

// Reserved is published when a reservation takes stock. Aggregate: the
// reservation ID.
type Reserved struct {
	ReservationID commerce.ReservationID `json:"reservation_id"`
	Lines         []Line                 `json:"lines"`
	Allocations   []Allocation           `json:"allocations"`
	// Untracked are the lines of Lines no stock level backs (see
	// Reservation.Untracked).
	Untracked []Line    `json:"untracked,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// EventName implements commerce.Event.
func (Reserved) EventName() string { return "inventory.reserved" }

// Released is published when a reservation gives its stock back, because
// its owner released it (Reason "released") or it expired ("expired").
// Aggregate: the reservation ID.
type Released struct {
	ReservationID commerce.ReservationID `json:"reservation_id"`
	Reason        string                 `json:"reason"`
	Lines         []Line                 `json:"lines"`
	Allocations   []Allocation           `json:"allocations"`
	// Untracked are the lines of Lines no stock level backs (see
	// Reservation.Untracked).
	Untracked []Line `json:"untracked,omitempty"`
}

// EventName implements commerce.Event.
func (Released) EventName() string { return "inventory.released" }

// Deducted is published when a reservation's units leave stock (the order
// was paid). Aggregate: the reservation ID.
type Deducted struct {
	ReservationID commerce.ReservationID `json:"reservation_id"`
	Lines         []Line                 `json:"lines"`
	Allocations   []Allocation           `json:"allocations"`
	// Untracked are the lines of Lines no stock level backs (see
	// Reservation.Untracked).
	Untracked []Line `json:"untracked,omitempty"`
}

// EventName implements commerce.Event.
func (Deducted) EventName() string { return "inventory.deducted" }

// Restocked is published when a deducted reservation's units go back on
// hand. Aggregate: the reservation ID.
type Restocked struct {
	ReservationID commerce.ReservationID `json:"reservation_id"`
	Lines         []Line                 `json:"lines"`
	Allocations   []Allocation           `json:"allocations"`
	// Untracked are the lines of Lines no stock level backs (see
	// Reservation.Untracked).
	Untracked []Line `json:"untracked,omitempty"`
}

// EventName implements commerce.Event.
func (Restocked) EventName() string { return "inventory.restocked" }

// LowStock is published when a SKU's available units, summed over its
// locations, fall from above its threshold to the threshold or below.
// Aggregate: the SKU.
type LowStock struct {
	SKU       string `json:"sku"`
	Available int    `json:"available"`
	Threshold int    `json:"threshold"`
}

// EventName implements commerce.Event.
func (LowStock) EventName() string { return "inventory.low_stock" }

// OutOfStock is published when a SKU's available units, summed over its
// locations, reach zero, and when an untracked SKU (Options.Untracked)
// gets its first level with nothing available. Aggregate: the SKU.
type OutOfStock struct {
	SKU string `json:"sku"`
}

// EventName implements commerce.Event.
func (OutOfStock) EventName() string { return "inventory.out_of_stock" }

// BackInStock is published when a SKU's available units, summed over its
// locations, rise from zero to Available: its first stock, a delivery, a
// released or restocked reservation. It is OutOfStock's counterpart, so
// a consumer following both (a search index's in-stock flag, a "notify
// me" list) always knows whether a SKU can be bought. An untracked SKU
// (Options.Untracked) is in stock already, so its first level publishes
// none; LowStock and OutOfStock count it as above any threshold before
// it. Aggregate: the SKU.
type BackInStock struct {
	SKU       string `json:"sku"`
	Available int    `json:"available"`
}

// EventName implements commerce.Event.
func (BackInStock) EventName() string { return "inventory.back_in_stock" }

// RegisterEvents registers every event of this package with r.
func RegisterEvents(r *commerce.EventRegistry) {
	// The names are constants of this package, so registration cannot
	// fail except through a conflicting registration by another package,
	// which the registry reports when that package registers.
	_ = commerce.RegisterEvent[Reserved](r)
	_ = commerce.RegisterEvent[Released](r)
	_ = commerce.RegisterEvent[Deducted](r)
	_ = commerce.RegisterEvent[Restocked](r)
	_ = commerce.RegisterEvent[LowStock](r)
	_ = commerce.RegisterEvent[OutOfStock](r)
	_ = commerce.RegisterEvent[BackInStock](r)
}
