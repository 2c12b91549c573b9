package inventory

import (
	"cmp"
	"slices"
)

// Strategy decides which locations a reservation's units come from.
//
// Allocate runs inside the store's transaction on the locked levels of the
// requested SKUs, so it must be a pure function: no I/O, no blocking, the
// same answer for the same input. lines are summed per SKU and sorted;
// levels are every level of those SKUs, sorted by SKU then location. It
// returns allocations that add up to each line's quantity and take no more
// than a level's Available units, or, when some line cannot be met, the
// shortages (one per short SKU, with what it could have taken). The
// service checks the allocations and refuses (Internal) any that would
// oversell.
type Strategy interface {
	Allocate(lines []Line, levels []Level, defaultLocation string) ([]Allocation, []Shortage)
}

// DefaultLocationStrategy takes every unit from the default location: a
// shop with one warehouse. It is the service's default.
type DefaultLocationStrategy struct{}

// Allocate implements Strategy.
func (DefaultLocationStrategy) Allocate(lines []Line, levels []Level, defaultLocation string) ([]Allocation, []Shortage) {
	var allocs []Allocation
	var short []Shortage
	for _, line := range lines {
		available := 0
		for _, l := range levels {
			if l.SKU == line.SKU && l.Location == defaultLocation {
				available = max(l.Available(), 0)
			}
		}
		if available < line.Quantity {
			short = append(short, Shortage{SKU: line.SKU, Requested: line.Quantity, Available: available})
			continue
		}
		allocs = append(allocs, Allocation{SKU: line.SKU, Location: defaultLocation, Quantity: line.Quantity})
	}
	return allocs, short
}

// FirstFitStrategy serves each line from the first location, in a stable
// order (the default location first, then the others by name), that has
// enough for the whole line, so an order ships from as few places as
// possible. When no single location has enough, the line is split across
// locations in that same order; it is short only when all locations
// together cannot meet it.
type FirstFitStrategy struct{}

// Allocate implements Strategy.
func (FirstFitStrategy) Allocate(lines []Line, levels []Level, defaultLocation string) ([]Allocation, []Shortage) {
	var allocs []Allocation
	var short []Shortage
	for _, line := range lines {
		var candidates []Level
		total := 0
		for _, l := range levels {
			if l.SKU == line.SKU && l.Available() > 0 {
				candidates = append(candidates, l)
				total += l.Available()
			}
		}
		if total < line.Quantity {
			short = append(short, Shortage{SKU: line.SKU, Requested: line.Quantity, Available: total})
			continue
		}
		slices.SortStableFunc(candidates, func(a, b Level) int {
			if (a.Location == defaultLocation) != (b.Location == defaultLocation) {
				if a.Location == defaultLocation {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.Location, b.Location)
		})
		if i := slices.IndexFunc(candidates, func(l Level) bool { return l.Available() >= line.Quantity }); i >= 0 {
			allocs = append(allocs, Allocation{SKU: line.SKU, Location: candidates[i].Location, Quantity: line.Quantity})
			continue
		}
		need := line.Quantity
		for _, l := range candidates {
			take := min(need, l.Available())
			allocs = append(allocs, Allocation{SKU: line.SKU, Location: l.Location, Quantity: take})
			if need -= take; need == 0 {
				break
			}
		}
	}
	return allocs, short
}
