package inventory

import "context"

// Availability is what may be sold of one SKU now, as the readers of
// stock (a search index's in-stock flag, a product page, recommendations)
// need it: the units left, or that the SKU is not counted at all.
type Availability struct {
	SKU string `json:"sku"`
	// Units is the units that may still be reserved, summed over the
	// SKU's locations (never below 0 per location). It is 0 for an
	// untracked SKU, of which no units are kept here.
	Units int `json:"units"`
	// Untracked is true when the SKU has no stock level at any location
	// and the service runs with Options.Untracked: a reservation takes
	// any quantity of it. A SKU with a level, even an empty one, is
	// tracked. The zero value is a tracked SKU with nothing left, so a
	// reader that knows nothing of Untracked sells nothing it cannot.
	Untracked bool `json:"untracked,omitempty"`
}

// InStock reports whether a reservation of one unit of the SKU would
// succeed now, stock permitting: an untracked SKU, or one with units
// left.
func (a Availability) InStock() bool { return a.Untracked || a.Units > 0 }

// Availability returns what may be sold of sku now: its units left, or,
// under Options.Untracked, that it has no level and sells without limit.
// An unknown SKU is one without levels.
func (s *Service) Availability(ctx context.Context, sku string) (Availability, error) {
	levels, err := s.Levels(ctx, sku)
	if err != nil {
		return Availability{}, err
	}
	a := Availability{SKU: sku, Untracked: s.opts.Untracked && len(levels) == 0}
	for _, l := range levels {
		a.Units += max(l.Available(), 0)
	}
	return a, nil
}
