package inventory

import (
	"slices"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
)

// Line asks for Quantity units of SKU.
type Line struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// Allocation is the part of a reservation taken from one location.
type Allocation struct {
	SKU      string `json:"sku"`
	Location string `json:"location"`
	Quantity int    `json:"quantity"`
}

// Status is where a reservation is in its life.
type Status string

// Reservation statuses. Reserved is the only one that holds stock;
// Deducted has removed it from stock; Released and Expired gave it back;
// Restocked put deducted units back on hand (a cancelled or returned
// order).
const (
	StatusReserved  Status = "reserved"
	StatusReleased  Status = "released"
	StatusExpired   Status = "expired"
	StatusDeducted  Status = "deducted"
	StatusRestocked Status = "restocked"
)

// Valid reports whether s is one of the statuses above.
func (s Status) Valid() bool {
	switch s {
	case StatusReserved, StatusReleased, StatusExpired, StatusDeducted, StatusRestocked:
		return true
	}
	return false
}

// Reservation holds stock for one checkout until it is deducted, released
// or expires.
type Reservation struct {
	ID commerce.ReservationID `json:"id"`
	// Lines are the requested quantities, summed per SKU and sorted by SKU.
	Lines []Line `json:"lines"`
	// Allocations say where the units come from, sorted by SKU then
	// location; per SKU they add up to the line's quantity. Untracked
	// lines have none.
	Allocations []Allocation `json:"allocations"`
	// Untracked are the lines of Lines whose SKU had no stock level
	// anywhere when the reservation was made, reserved without limit
	// because the service runs with Options.Untracked; sorted by SKU.
	// Settling the reservation never touches a level for them.
	Untracked []Line    `json:"untracked,omitempty"`
	Status    Status    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// ExpiresAt is when a reservation still in StatusReserved stops
	// holding stock: it can no longer be deducted and the sweeper
	// releases it.
	ExpiresAt time.Time `json:"expires_at"`
}

// ExpiredAt reports whether r, still reserved, is past its expiry at now.
func (r Reservation) ExpiredAt(now time.Time) bool {
	return r.Status == StatusReserved && !now.Before(r.ExpiresAt)
}

// Clone returns a deep copy of r.
func (r Reservation) Clone() Reservation {
	r.Lines = slices.Clone(r.Lines)
	r.Allocations = slices.Clone(r.Allocations)
	r.Untracked = slices.Clone(r.Untracked)
	return r
}

// LinesOf sums allocations per SKU, adding the untracked lines, into lines
// sorted by SKU: the lines of a reservation whose allocations and
// untracked lines are known. Stores that keep only those rebuild a
// reservation's lines with it.
func LinesOf(allocs []Allocation, untracked ...Line) []Line {
	sum := map[string]int{}
	for _, a := range allocs {
		sum[a.SKU] += a.Quantity
	}
	for _, l := range untracked {
		sum[l.SKU] += l.Quantity
	}
	out := make([]Line, 0, len(sum))
	for sku, q := range sum {
		out = append(out, Line{SKU: sku, Quantity: q})
	}
	sortLines(out)
	return out
}

func sortLines(lines []Line) {
	slices.SortFunc(lines, func(a, b Line) int { return strings.Compare(a.SKU, b.SKU) })
}

// SortAllocations orders allocations by SKU then location, the order
// reservations keep them in.
func SortAllocations(allocs []Allocation) {
	slices.SortFunc(allocs, func(a, b Allocation) int {
		if c := strings.Compare(a.SKU, b.SKU); c != 0 {
			return c
		}
		return strings.Compare(a.Location, b.Location)
	})
}
