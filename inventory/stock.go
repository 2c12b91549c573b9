package inventory

import (
	"context"
	"errors"

	"github.com/mercatohq/mercato/commerce"
)

// SetStock sets the units on hand of sku at location (empty: the default
// location) to onHand, creating the level if needed, and records the
// difference in the ledger with reason. Setting 0 where there is no level
// creates an empty one: the SKU is then tracked, and out of stock, even
// under Options.Untracked. Setting fewer units than are
// reserved there is FailedPrecondition: release or deduct first. It
// returns the new level.
func (s *Service) SetStock(ctx context.Context, sku, location string, onHand int, reason string) (Level, error) {
	if onHand < 0 || onHand > MaxQuantity {
		return Level{}, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: on hand %d must be between 0 and %d", onHand, MaxQuantity).WithDetail("field", "on_hand")
	}
	return s.adjust(ctx, sku, location, reason, func(cur Level) int { return onHand - cur.OnHand })
}

// Adjust changes the units on hand of sku at location (empty: the default
// location) by delta (a delivery, a breakage, a count), creating the level
// if needed, and records it in the ledger with reason. A delta of 0 is
// InvalidArgument; one that would leave fewer units on hand than zero, or
// than are reserved, is FailedPrecondition. It returns the new level.
func (s *Service) Adjust(ctx context.Context, sku, location string, delta int, reason string) (Level, error) {
	if delta == 0 || delta > MaxQuantity || delta < -MaxQuantity {
		return Level{}, commerce.Errorf(commerce.CodeInvalidArgument, "inventory: adjustment %d must be non-zero and at most %d either way", delta, MaxQuantity).WithDetail("field", "delta")
	}
	return s.adjust(ctx, sku, location, reason, func(Level) int { return delta })
}

func (s *Service) adjust(ctx context.Context, sku, location, reason string, delta func(Level) int) (Level, error) {
	if location == "" {
		location = s.opts.DefaultLocation
	}
	if err := validateName("sku", sku); err != nil {
		return Level{}, err
	}
	if err := validateName("location", location); err != nil {
		return Level{}, err
	}
	if err := validateReason(reason); err != nil {
		return Level{}, err
	}
	var out Level
	err := s.store.UpdateStock(ctx, sku, func(stock Stock) (Change, error) {
		p := s.newPlan(stock, s.now())
		cur, exists := p.level(sku, location)
		out = cur
		d := delta(cur)
		if d == 0 && exists {
			return Change{}, nil
		}
		if d == 0 {
			// SetStock(0) on a SKU without a level makes it an empty one:
			// the SKU is tracked from now on, and with Options.Untracked
			// that is how a host stops selling it. The ledger has nothing
			// to record, as nothing moved.
			p.create(sku, location)
			out, _ = p.level(sku, location)
			return p.change(nil), nil
		}
		if err := p.move(sku, location, d, 0, MovementAdjust, reason, "", true); err != nil {
			var le *levelError
			if errors.As(err, &le) {
				return Change{}, commerce.Errorf(commerce.CodeFailedPrecondition, "inventory: cannot adjust %v", err).
					WithDetail("on_hand", cur.OnHand).WithDetail("reserved", cur.Reserved)
			}
			return Change{}, err
		}
		out, _ = p.level(sku, location)
		return p.change(nil), nil
	})
	if err != nil {
		return Level{}, err
	}
	return out, nil
}

func validateReason(reason string) error {
	if reason == "" {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: a stock adjustment needs a reason").WithDetail("field", "reason")
	}
	if len(reason) > 1000 {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: reason is longer than 1000 bytes").WithDetail("field", "reason")
	}
	return nil
}

// SetLowStockThreshold sets the threshold of sku: inventory.low_stock is
// published when the SKU's available units fall from above it to it or
// below. Between 0 and MaxQuantity, else InvalidArgument. Changing it
// publishes nothing by itself.
func (s *Service) SetLowStockThreshold(ctx context.Context, sku string, threshold int) error {
	if err := validateName("sku", sku); err != nil {
		return err
	}
	if threshold < 0 || threshold > MaxQuantity {
		return commerce.Errorf(commerce.CodeInvalidArgument, "inventory: threshold %d must be between 0 and %d", threshold, MaxQuantity).WithDetail("field", "threshold")
	}
	return s.store.UpdateStock(ctx, sku, func(Stock) (Change, error) {
		return Change{Thresholds: map[string]int{sku: threshold}}, nil
	})
}

// LowStockThreshold returns the threshold in force for sku: its own, or
// Options.LowStockThreshold (negative: none).
func (s *Service) LowStockThreshold(ctx context.Context, sku string) (int, error) {
	if err := validateName("sku", sku); err != nil {
		return 0, err
	}
	threshold := s.opts.LowStockThreshold
	// Reading through UpdateStock with an empty change keeps the port
	// narrow; it locks the SKU's levels for a moment.
	err := s.store.UpdateStock(ctx, sku, func(stock Stock) (Change, error) {
		if t, ok := stock.Thresholds[sku]; ok {
			threshold = t
		}
		return Change{}, nil
	})
	return threshold, err
}

// Levels returns the levels of sku, sorted by location (none: empty).
func (s *Service) Levels(ctx context.Context, sku string) ([]Level, error) {
	if err := validateName("sku", sku); err != nil {
		return nil, err
	}
	return s.store.Levels(ctx, sku)
}

// Level returns the level of sku at location (empty: the default
// location), or NotFound.
func (s *Service) Level(ctx context.Context, sku, location string) (Level, error) {
	if location == "" {
		location = s.opts.DefaultLocation
	}
	if err := validateName("location", location); err != nil {
		return Level{}, err
	}
	levels, err := s.Levels(ctx, sku)
	if err != nil {
		return Level{}, err
	}
	for _, l := range levels {
		if l.Location == location {
			return l, nil
		}
	}
	return Level{}, commerce.Errorf(commerce.CodeNotFound, "inventory: no stock of %s at %s", sku, location)
}

// Available returns the units of sku that may still be reserved, summed
// over its locations; an unknown SKU has 0, and so has an untracked one
// (Options.Untracked), which is nonetheless in stock: whoever asks
// whether a SKU can be sold reads Availability.
func (s *Service) Available(ctx context.Context, sku string) (int, error) {
	a, err := s.Availability(ctx, sku)
	return a.Units, err
}

// movementCursor is the position of a Movements page.
type movementCursor struct {
	After int64 `json:"after"`
}

// Movements returns the ledger of sku, oldest first, a page at a time.
func (s *Service) Movements(ctx context.Context, sku string, page commerce.PageRequest) (commerce.Page[Movement], error) {
	var out commerce.Page[Movement]
	if err := validateName("sku", sku); err != nil {
		return out, err
	}
	page, err := page.Normalize()
	if err != nil {
		return out, err
	}
	var cur movementCursor
	if page.Cursor != "" {
		if err := commerce.DecodeCursor(page.Cursor, &cur); err != nil {
			return out, err
		}
	}
	items, err := s.store.Movements(ctx, sku, cur.After, page.Limit+1)
	if err != nil {
		return out, err
	}
	if len(items) > page.Limit {
		items = items[:page.Limit]
		next, err := commerce.EncodeCursor(movementCursor{After: items[len(items)-1].ID})
		if err != nil {
			return out, err
		}
		out.NextCursor = next
	}
	out.Items = items
	if out.Items == nil {
		out.Items = []Movement{}
	}
	return out, nil
}
