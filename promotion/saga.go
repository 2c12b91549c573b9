package promotion

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/periodic"
)

// Reserve takes, for in.OrderID, one use of each code in in.Result.Applied
// and each applied promotion's discount (line and shipping) from its
// Budget, all or nothing, until Commit, Release or expiry (in.TTL, 0 =
// Options.DefaultTTL).
//
// Limits are checked under the store's locks, so concurrent checkouts
// never pass them: a code whose MaxUses or MaxUsesPerCustomer would be
// passed, or a budget the discount would overdraw, is FailedPrecondition
// with details "code" (or "promotion_id" for an automatic promotion) and
// "reason" ("exhausted" or "budget"). A code or promotion that has since
// become inactive, expired, gone or another currency's is
// FailedPrecondition with the matching reason too; the caller should
// evaluate again. A Result with nothing applied reserves nothing and
// returns a zero Redemption.
//
// Reserve is idempotent per OrderID: repeated, it returns the existing
// redemption whatever its status (a different result for the same order
// is Conflict). Per-customer limits count in.CustomerID, or for a guest
// the normalized in.Email; a code with MaxUsesPerCustomer and neither is
// InvalidArgument ("email"). A malformed order ID, negative TTL or
// inconsistent Result is InvalidArgument naming its field.
func (s *Service) Reserve(ctx context.Context, in ReserveInput) (Redemption, error) {
	if err := in.OrderID.Validate(); err != nil {
		return Redemption{}, invalid("order_id", "malformed order ID")
	}
	if in.CustomerID != "" {
		if err := in.CustomerID.Validate(); err != nil {
			return Redemption{}, invalid("customer_id", "malformed customer ID")
		}
	}
	ttl, err := s.ttl(in.TTL)
	if err != nil {
		return Redemption{}, err
	}
	key, err := customerKeyOf(in.CustomerID, in.Email)
	if err != nil {
		return Redemption{}, err
	}
	lines, err := redemptionLines(in.Result)
	if err != nil || len(lines) == 0 {
		return Redemption{}, err
	}
	now := s.now()
	r := Redemption{OrderID: in.OrderID, CustomerKey: key, Status: RedemptionReserved, Lines: lines,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: now.Add(ttl)}
	existing, err := s.store.CreateRedemption(ctx, r.Clone(), func(u Usage) error {
		return checkLimits(r, in.Result.Currency, u, now)
	})
	if err != nil {
		return Redemption{}, err
	}
	if existing != nil {
		if !sameLines(existing.Lines, lines) {
			return Redemption{}, commerce.Errorf(commerce.CodeConflict, "promotion: order %s already reserved other promotions", in.OrderID).
				WithDetail("order_id", in.OrderID.String())
		}
		return *existing, nil
	}
	return r, nil
}

// redemptionLines checks a frozen Result and returns what it redeems.
func redemptionLines(res Result) ([]RedemptionLine, error) {
	if len(res.Applied) == 0 {
		return nil, nil
	}
	if !res.Currency.Valid() {
		return nil, invalid("result.currency", "unknown currency %q", trunc(string(res.Currency)))
	}
	lines := make([]RedemptionLine, 0, len(res.Applied))
	promos := map[commerce.PromotionID]bool{}
	codes := map[string]bool{}
	for i, a := range res.Applied {
		field := fmt.Sprintf("result.applied[%d]", i)
		if err := a.PromotionID.Validate(); err != nil {
			return nil, invalid(field+".promotion_id", "malformed promotion ID")
		}
		if promos[a.PromotionID] {
			return nil, invalid(field+".promotion_id", "promotion %s is applied twice", a.PromotionID)
		}
		promos[a.PromotionID] = true
		line := RedemptionLine{PromotionID: a.PromotionID}
		if a.Code != "" {
			code, err := NormalizeCode(a.Code)
			if err != nil {
				return nil, invalid(field+".code", "malformed code")
			}
			if codes[code] {
				return nil, invalid(field+".code", "code %s is applied twice", code)
			}
			codes[code] = true
			line.Code = code
		}
		for _, m := range []struct {
			name string
			v    commerce.Money
		}{{"discount", a.Discount}, {"shipping_discount", a.ShippingDiscount}} {
			if m.v == (commerce.Money{}) {
				continue
			}
			if m.v.Currency() != res.Currency || m.v.IsNegative() {
				return nil, invalid(field+"."+m.name, "must be zero or more, in %s", res.Currency)
			}
		}
		d, sd := a.Discount.Amount(), a.ShippingDiscount.Amount()
		if d > math.MaxInt64-sd {
			return nil, invalid(field+".discount", "the discounts overflow")
		}
		amount := money(d+sd, res.Currency)
		line.Amount = amount
		lines = append(lines, line)
	}
	return lines, nil
}

// checkLimits refuses a redemption that would pass a limit, or whose
// codes or promotions no longer stand, under the store's locks.
func checkLimits(r Redemption, cur commerce.Currency, u Usage, now time.Time) error {
	for _, l := range r.Lines {
		subject, name := "promotion_id", l.PromotionID.String()
		if l.Code != "" {
			subject, name = "code", l.Code
		}
		refuse := func(reason RejectReason, format string, args ...any) *commerce.Error {
			return commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: "+format, args...).
				WithDetail(subject, name).WithDetail("reason", string(reason))
		}
		p, ok := u.Promotions[l.PromotionID]
		if !ok {
			return refuse(ReasonUnknown, "promotion %s does not exist", l.PromotionID)
		}
		switch {
		case !p.Active:
			return refuse(ReasonInactive, "%s is no longer active", name)
		case p.window(now) != "":
			return refuse(p.window(now), "%s is outside its dates", name)
		case !currencyFits(p, cur):
			return refuse(ReasonCurrency, "%s is not valid in %s", name, cur)
		case l.Code == "" && p.Trigger != TriggerAutomatic:
			return refuse(ReasonUnknown, "promotion %s needs a code", l.PromotionID)
		}
		if l.Code != "" {
			c, ok := u.Codes[l.Code]
			switch {
			case !ok || c.PromotionID != l.PromotionID:
				return refuse(ReasonUnknown, "there is no code %s for promotion %s", l.Code, l.PromotionID)
			case !c.Active:
				return refuse(ReasonInactive, "code %s is no longer active", l.Code)
			case c.MaxUses > 0 && c.Uses >= c.MaxUses:
				return refuse(ReasonExhausted, "code %s has been used up (%d uses)", l.Code, c.MaxUses)
			case c.MaxUsesPerCustomer > 0 && r.CustomerKey == "":
				return invalid("email", "code %s is limited per customer: give a customer ID or an email", l.Code)
			case c.MaxUsesPerCustomer > 0 && u.CustomerUses[l.Code] >= c.MaxUsesPerCustomer:
				return refuse(ReasonExhausted, "code %s has been used up by this customer (%d uses)", l.Code, c.MaxUsesPerCustomer)
			}
		}
		if p.Budget != nil && p.Spent != nil && l.Amount.Amount() > p.Budget.Amount()-p.Spent.Amount() {
			return refuse(ReasonBudget, "the budget of %s is spent", name).WithDetail("promotion_id", l.PromotionID.String())
		}
	}
	return nil
}

func sameLines(a, b []RedemptionLine) bool {
	key := func(l RedemptionLine) string { return l.PromotionID.String() + "/" + l.Code }
	sort := func(ls []RedemptionLine) []RedemptionLine {
		ls = slices.Clone(ls)
		slices.SortFunc(ls, func(x, y RedemptionLine) int { return strings.Compare(key(x), key(y)) })
		return ls
	}
	return slices.Equal(sort(a), sort(b))
}

// customerKey is whose per-customer limits a redemption counts against.
func customerKey(id commerce.CustomerID, email string) string {
	if id != "" {
		return "cus:" + id.String()
	}
	if e := strings.ToLower(strings.TrimSpace(email)); e != "" {
		return "email:" + e
	}
	return ""
}

func customerKeyOf(id commerce.CustomerID, email string) (string, error) {
	if id == "" && email != "" {
		e := strings.TrimSpace(email)
		if len(e) > 254 || strings.Count(e, "@") != 1 || strings.HasPrefix(e, "@") || strings.HasSuffix(e, "@") {
			return "", invalid("email", "malformed email")
		}
	}
	return customerKey(id, email), nil
}

func (s *Service) ttl(ttl time.Duration) (time.Duration, error) {
	switch {
	case ttl < 0:
		return 0, invalid("ttl", "ttl %s must not be negative", ttl)
	case ttl == 0:
		return s.opts.DefaultTTL, nil
	}
	return ttl, nil
}

// Commit makes the order's reserved redemption final (the order is
// confirmed). Committing a committed one succeeds and changes nothing; a
// released one, or one past its ExpiresAt (swept or not), is
// FailedPrecondition: its uses may already be someone else's, so the order
// must not keep the discount without reserving again. NotFound if the
// order reserved nothing.
func (s *Service) Commit(ctx context.Context, orderID commerce.OrderID) error {
	if err := orderID.Validate(); err != nil {
		return invalid("order_id", "malformed order ID")
	}
	now := s.now()
	_, err := s.store.UpdateRedemption(ctx, orderID, func(r Redemption) (Redemption, error) {
		switch {
		case r.Status == RedemptionCommitted:
			return r, nil
		case r.Status == RedemptionReleased:
			return Redemption{}, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: the redemption of %s was released", orderID).
				WithDetail("order_id", orderID.String())
		case !now.Before(r.ExpiresAt):
			return Redemption{}, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: the redemption of %s expired", orderID).
				WithDetail("order_id", orderID.String())
		}
		r.Status, r.UpdatedAt = RedemptionCommitted, now
		return r, nil
	})
	return err
}

// Release gives the order's uses and budget back: the checkout failed or
// the order was cancelled (after Commit too). Releasing a released
// redemption, or an order that reserved nothing, succeeds and changes
// nothing.
func (s *Service) Release(ctx context.Context, orderID commerce.OrderID) error {
	if err := orderID.Validate(); err != nil {
		return invalid("order_id", "malformed order ID")
	}
	now := s.now()
	_, err := s.store.UpdateRedemption(ctx, orderID, func(r Redemption) (Redemption, error) {
		if r.Status != RedemptionReleased {
			r.Status, r.UpdatedAt = RedemptionReleased, now
		}
		return r, nil
	})
	if commerce.Code(err) == commerce.CodeNotFound {
		return nil
	}
	return err
}

// GetRedemption returns the redemption of orderID, or NotFound.
func (s *Service) GetRedemption(ctx context.Context, orderID commerce.OrderID) (Redemption, error) {
	if err := orderID.Validate(); err != nil {
		return Redemption{}, invalid("order_id", "malformed order ID")
	}
	return s.store.Redemption(ctx, orderID)
}

// ReleaseExpired releases the reserved redemptions and held gift-card
// payments whose expiry has passed (at most Options.SweepBatch of each)
// and returns how many it released. Several processes may run it at once:
// each release is checked again under the store's lock.
func (s *Service) ReleaseExpired(ctx context.Context) (int, error) {
	now := s.now()
	var errs []error
	released := 0
	due, err := s.store.DueRedemptions(ctx, now, s.opts.SweepBatch)
	errs = append(errs, err)
	for _, id := range due {
		did := false
		_, err := s.store.UpdateRedemption(ctx, id, func(r Redemption) (Redemption, error) {
			did = false
			if r.Status == RedemptionReserved && !now.Before(r.ExpiresAt) {
				r.Status, r.UpdatedAt, did = RedemptionReleased, now, true
			}
			return r, nil
		})
		if err != nil && commerce.Code(err) != commerce.CodeNotFound {
			errs = append(errs, err)
		} else if err == nil && did {
			released++
		}
	}
	n, err := s.releaseExpiredGiftCards(ctx, now)
	return released + n, errors.Join(append(errs, err)...)
}

// RunSweeper calls ReleaseExpired every interval until ctx ends, then
// returns nil. Failures are logged to Options.Logger and retried at the
// next tick. A non-positive interval is InvalidArgument.
func (s *Service) RunSweeper(ctx context.Context, interval time.Duration) error {
	return periodic.Run(ctx, "promotion: sweeper", interval, func(ctx context.Context) {
		n, err := s.ReleaseExpired(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.opts.Logger.ErrorContext(ctx, "promotion: releasing expired redemptions and holds failed", "released", n, "err", err)
		case n > 0:
			s.opts.Logger.InfoContext(ctx, "promotion: released expired redemptions and holds", "released", n)
		}
	})
}
