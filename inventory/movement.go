package inventory

import (
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// MovementKind says why a level changed.
type MovementKind string

// Movement kinds.
const (
	MovementAdjust  MovementKind = "adjust"  // an admin correction (SetStock, Adjust)
	MovementReserve MovementKind = "reserve" // units promised to a reservation
	MovementRelease MovementKind = "release" // a reservation released by its owner
	MovementExpire  MovementKind = "expire"  // a reservation released by the sweeper
	MovementDeduct  MovementKind = "deduct"  // reserved units shipped: off the shelf
	MovementRestock MovementKind = "restock" // deducted units back on the shelf
)

// Movement is one entry of the stock-movement ledger: how one change moved
// one level. The sum of a level's OnHandDelta is its OnHand, the sum of its
// ReservedDelta its Reserved.
type Movement struct {
	// ID is assigned by the store, increasing in the order movements
	// were written.
	ID            int64                  `json:"id"`
	SKU           string                 `json:"sku"`
	Location      string                 `json:"location"`
	OnHandDelta   int                    `json:"on_hand_delta"`
	ReservedDelta int                    `json:"reserved_delta"`
	Kind          MovementKind           `json:"kind"`
	Reason        string                 `json:"reason,omitempty"`
	ReservationID commerce.ReservationID `json:"reservation_id,omitempty"`
	At            time.Time              `json:"at"`
}
