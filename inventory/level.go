package inventory

import "time"

// DefaultLocation is the location used when neither the caller nor
// [Options.DefaultLocation] names one.
const DefaultLocation = "default"

// MaxQuantity bounds every quantity the service accepts (a line, the units
// on hand, an adjustment), so sums never overflow a 32-bit database column.
const MaxQuantity = 1_000_000_000

// Level is the stock of one SKU at one location.
type Level struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	// OnHand is the number of units physically present.
	OnHand int `json:"on_hand"`
	// Reserved is the part of OnHand promised to open reservations.
	Reserved  int       `json:"reserved"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Available returns the units that may still be reserved.
func (l Level) Available() int { return l.OnHand - l.Reserved }

// levelKey identifies a level.
type levelKey struct{ sku, location string }

func (l Level) key() levelKey { return levelKey{l.SKU, l.Location} }
