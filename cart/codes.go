package cart

import (
	"context"
	"slices"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// ApplyCode adds a promotion code to active cart id. Entering a code the
// cart holds already changes nothing. Whether the code gives a discount
// is shown by Totals (applied, or rejected with its reason) and decided
// again at checkout.
//
// With an Options.Discounter, a code the discounter would refuse whatever
// the cart holds (unknown, expired, not started yet, inactive, in another
// currency, used up) is refused here: InvalidArgument, field "code", with
// the reason in Details["reason"]. A code refused only for what the cart
// holds today (a minimum not reached, a combination not allowed) is kept,
// since the cart may change.
//
// Errors, none of which changes the cart: a malformed code is
// InvalidArgument (field "code"); a cart holding Options.MaxCodes codes
// already is FailedPrecondition (detail "max_codes"); a cart not found or
// expired is NotFound, merged or converted FailedPrecondition.
func (s *Service) ApplyCode(ctx context.Context, id commerce.CartID, code string, checks ...Check) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	code, err := promotion.NormalizeCode(code)
	if err != nil {
		return Cart{}, err
	}
	seen, err := s.store.Get(ctx, id)
	if err != nil {
		return Cart{}, err
	}
	if err := runChecks(seen, checks); err != nil {
		return Cart{}, err
	}
	if err := writable(&seen, s.now()); err != nil {
		return Cart{}, err
	}
	if slices.Contains(seen.Codes, code) {
		return seen, nil
	}
	// The code is checked before the write, whose closure must not wait
	// on the discounter.
	if err := s.checkCode(ctx, seen, code); err != nil {
		return Cart{}, err
	}
	return s.mutate(ctx, id, &seen, checks, func(c *Cart, _ time.Time) ([]commerce.Event, error) {
		if slices.Contains(c.Codes, code) {
			return nil, nil
		}
		if len(c.Codes) >= s.opts.MaxCodes {
			return nil, commerce.Errorf(commerce.CodeFailedPrecondition, "cart: cart %s already holds the most codes allowed, %d", c.ID, s.opts.MaxCodes).
				WithDetail("cart_id", c.ID.String()).WithDetail("max_codes", s.opts.MaxCodes).WithDetail("field", "code")
		}
		c.Codes = append(c.Codes, code)
		return []commerce.Event{CodeApplied{CartID: c.ID, CustomerID: c.CustomerID, Code: code}}, nil
	})
}

// RemoveCode removes a promotion code from active cart id. A code the
// cart does not hold is NotFound (field "code"); a malformed one
// InvalidArgument.
func (s *Service) RemoveCode(ctx context.Context, id commerce.CartID, code string, checks ...Check) (Cart, error) {
	if err := validateCartID(id); err != nil {
		return Cart{}, err
	}
	code, err := promotion.NormalizeCode(code)
	if err != nil {
		return Cart{}, err
	}
	return s.mutate(ctx, id, nil, checks, func(c *Cart, _ time.Time) ([]commerce.Event, error) {
		i := slices.Index(c.Codes, code)
		if i < 0 {
			return nil, commerce.Errorf(commerce.CodeNotFound, "cart: cart %s holds no code %s", c.ID, code).
				WithDetail("field", "code").WithDetail("cart_id", c.ID.String())
		}
		c.Codes = slices.Delete(c.Codes, i, i+1)
		if len(c.Codes) == 0 {
			c.Codes = nil
		}
		return []commerce.Event{CodeRemoved{CartID: c.ID, CustomerID: c.CustomerID, Code: code}}, nil
	})
}

// mergeCodes adds guest's codes to owned's, up to Options.MaxCodes: a
// merge happens at login, where failing over a code would help nobody.
func (s *Service) mergeCodes(owned, guest *Cart) {
	for _, code := range guest.Codes {
		if len(owned.Codes) >= s.opts.MaxCodes {
			return
		}
		if !slices.Contains(owned.Codes, code) {
			owned.Codes = append(owned.Codes, code)
		}
	}
}

// checkCode refuses, with an Options.Discounter, a code the discounter
// would refuse whatever c held (see ApplyCode).
func (s *Service) checkCode(ctx context.Context, c Cart, code string) error {
	if s.opts.Discounter == nil {
		return nil
	}
	c.Codes = append(slices.Clone(c.Codes), code)
	t, err := s.Price(ctx, c)
	if err != nil {
		return err
	}
	for _, r := range t.RejectedCodes {
		if r.Code != code || !lastingRejection(r.Reason) {
			continue
		}
		msg := r.Message
		if msg == "" {
			msg = "the code cannot be used"
		}
		return commerce.Errorf(commerce.CodeInvalidArgument, "cart: code %s: %s", code, msg).
			WithDetail("field", "code").WithDetail("reason", string(r.Reason))
	}
	return nil
}

// lastingRejection reports whether a code refused for reason would be
// refused whatever the cart held.
func lastingRejection(reason promotion.RejectReason) bool {
	switch reason {
	case promotion.ReasonUnknown, promotion.ReasonInactive, promotion.ReasonNotStarted, promotion.ReasonExpired,
		promotion.ReasonExhausted, promotion.ReasonBudget, promotion.ReasonCurrency:
		return true
	}
	return false
}
