package promotion

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mercatohq/mercato/commerce"
)

// maxPriority bounds Priority both ways.
const maxPriority = 1_000_000

// maxBuyGet bounds BuyQuantity and GetQuantity.
const maxBuyGet = 1000

// buildPromotion validates in and returns the promotion it describes,
// over base (the stored promotion on update, a fresh one on create).
func buildPromotion(base Promotion, in PromotionInput) (Promotion, error) {
	p := base
	p.Name = strings.TrimSpace(in.Name)
	switch {
	case p.Name == "":
		return Promotion{}, invalid("name", "a promotion needs a name")
	case utf8.RuneCountInString(p.Name) > MaxNameLength || !utf8.ValidString(p.Name):
		return Promotion{}, invalid("name", "a name has at most %d characters of valid UTF-8", MaxNameLength)
	}
	p.Description = strings.TrimSpace(in.Description)
	if utf8.RuneCountInString(p.Description) > MaxDescriptionLength || !utf8.ValidString(p.Description) {
		return Promotion{}, invalid("description", "a description has at most %d characters of valid UTF-8", MaxDescriptionLength)
	}
	if !in.Trigger.Valid() {
		return Promotion{}, invalid("trigger", "trigger must be %q or %q", TriggerAutomatic, TriggerCode)
	}
	if base.Trigger != "" && base.Trigger != in.Trigger {
		return Promotion{}, invalid("trigger", "the trigger of a promotion cannot change")
	}
	p.Trigger = in.Trigger
	cond, err := validateConditions(in.Conditions)
	if err != nil {
		return Promotion{}, err
	}
	p.Conditions = cond
	cur := cond.Currency
	if len(in.Actions) == 0 || len(in.Actions) > MaxActions {
		return Promotion{}, invalid("actions", "a promotion needs 1 to %d actions", MaxActions)
	}
	p.Actions = make([]Action, len(in.Actions))
	for i, a := range in.Actions {
		if p.Actions[i], err = validateAction(fmt.Sprintf("actions[%d]", i), a, cur); err != nil {
			return Promotion{}, err
		}
	}
	p.Exclusive = in.Exclusive
	if in.Priority < -maxPriority || in.Priority > maxPriority {
		return Promotion{}, invalid("priority", "priority must be between %d and %d", -maxPriority, maxPriority)
	}
	p.Priority = in.Priority
	if base.ID != "" && cond.Currency != base.Conditions.Currency {
		return Promotion{}, invalid("conditions.currency", "the currency of a promotion cannot change: its budget is counted in it")
	}
	p.Budget = nil
	if in.Budget != nil {
		if err := checkAmount("budget", *in.Budget, cur, false); err != nil {
			return Promotion{}, err
		}
		p.Budget = cloneMoney(in.Budget)
	}
	// The store keeps Spent.
	p.Spent = nil
	p.StartsAt, p.EndsAt = utcPtr(in.StartsAt), utcPtr(in.EndsAt)
	if p.StartsAt != nil && p.EndsAt != nil && !p.EndsAt.After(*p.StartsAt) {
		return Promotion{}, invalid("ends_at", "ends_at must be after starts_at")
	}
	if in.Active != nil {
		p.Active = *in.Active
	}
	return p, nil
}

func validateConditions(c Conditions) (Conditions, error) {
	c = c.Clone()
	if c.Currency != "" && !c.Currency.Valid() {
		return Conditions{}, invalid("conditions.currency", "unknown currency %q", trunc(string(c.Currency)))
	}
	if c.MinSubtotal != nil {
		if err := checkAmount("conditions.min_subtotal", *c.MinSubtotal, c.Currency, true); err != nil {
			return Conditions{}, err
		}
	}
	if len(c.SKUs) > MaxConditionItems {
		return Conditions{}, invalid("conditions.skus", "at most %d SKUs", MaxConditionItems)
	}
	for i, sku := range c.SKUs {
		if strings.TrimSpace(sku) == "" || len(sku) > 200 {
			return Conditions{}, invalid(fmt.Sprintf("conditions.skus[%d]", i), "a SKU is 1 to 200 characters")
		}
	}
	if len(c.Categories) > MaxConditionItems {
		return Conditions{}, invalid("conditions.categories", "at most %d categories", MaxConditionItems)
	}
	for i, id := range c.Categories {
		if err := id.Validate(); err != nil {
			return Conditions{}, invalid(fmt.Sprintf("conditions.categories[%d]", i), "malformed category ID")
		}
	}
	if len(c.Brands) > MaxConditionItems {
		return Conditions{}, invalid("conditions.brands", "at most %d brands", MaxConditionItems)
	}
	for i, id := range c.Brands {
		if err := id.Validate(); err != nil {
			return Conditions{}, invalid(fmt.Sprintf("conditions.brands[%d]", i), "malformed brand ID")
		}
	}
	if !c.Audience.Valid() {
		return Conditions{}, invalid("conditions.audience", "audience must be %q, %q or %q", AudienceAny, AudienceCustomers, AudienceGuests)
	}
	if c.Audience == "" {
		c.Audience = AudienceAny
	}
	return c, nil
}

func validateAction(field string, a Action, cur commerce.Currency) (Action, error) {
	a = a.Clone()
	if !a.Kind.Valid() {
		return Action{}, invalid(field+".kind", "unknown action kind %q", trunc(string(a.Kind)))
	}
	if !a.Target.Valid() {
		return Action{}, invalid(field+".target", "target must be %q or %q", TargetOrder, TargetMatchingLines)
	}
	takesTarget := a.Kind == ActionPercentOff || a.Kind == ActionAmountOff
	switch {
	case !takesTarget && a.Target != "":
		return Action{}, invalid(field+".target", "a %s action takes no target", a.Kind)
	case takesTarget && a.Target == "":
		a.Target = TargetOrder
	}
	if a.Kind != ActionPercentOff && a.BasisPoints != 0 {
		return Action{}, invalid(field+".basis_points", "a %s action takes no basis_points", a.Kind)
	}
	if a.Kind != ActionAmountOff && a.Kind != ActionFixedPrice && a.Amount != nil {
		return Action{}, invalid(field+".amount", "a %s action takes no amount", a.Kind)
	}
	if a.Kind != ActionBuyXGetY && (a.BuyQuantity != 0 || a.GetQuantity != 0 || a.GetBasisPoints != 0) {
		return Action{}, invalid(field+".buy_quantity", "a %s action takes no buy or get quantities", a.Kind)
	}
	switch a.Kind {
	case ActionPercentOff:
		if a.BasisPoints < 1 || a.BasisPoints > MaxBasisPoints {
			return Action{}, invalid(field+".basis_points", "basis_points must be 1 to %d (100%%)", MaxBasisPoints)
		}
	case ActionAmountOff, ActionFixedPrice:
		if a.Amount == nil {
			return Action{}, invalid(field+".amount", "a %s action needs an amount", a.Kind)
		}
		if err := checkAmount(field+".amount", *a.Amount, cur, a.Kind == ActionFixedPrice); err != nil {
			return Action{}, err
		}
	case ActionBuyXGetY:
		switch {
		case a.BuyQuantity < 1 || a.BuyQuantity > maxBuyGet:
			return Action{}, invalid(field+".buy_quantity", "buy_quantity must be 1 to %d", maxBuyGet)
		case a.GetQuantity < 1 || a.GetQuantity > maxBuyGet:
			return Action{}, invalid(field+".get_quantity", "get_quantity must be 1 to %d", maxBuyGet)
		case a.GetBasisPoints < 1 || a.GetBasisPoints > MaxBasisPoints:
			return Action{}, invalid(field+".get_basis_points", "get_basis_points must be 1 to %d (free)", MaxBasisPoints)
		}
	}
	return a, nil
}

// checkAmount checks an amount of a promotion: in the promotion's
// currency (which must be set) and positive (or zero when zeroOK).
func checkAmount(field string, m commerce.Money, cur commerce.Currency, zeroOK bool) error {
	switch {
	case !m.Currency().Valid():
		return invalid(field, "an amount needs a currency")
	case cur == "":
		return invalid("conditions.currency", "a promotion with an amount (%s) needs conditions.currency", field)
	case m.Currency() != cur:
		return invalid(field, "%s is not in the promotion's currency %s", m, cur)
	case m.IsNegative():
		return invalid(field, "%s must not be negative", m)
	case m.IsZero() && !zeroOK:
		return invalid(field, "must be positive")
	}
	return nil
}

func validatePromotionID(id commerce.PromotionID) error {
	if err := id.Validate(); err != nil {
		return invalid("id", "malformed promotion ID")
	}
	return nil
}

func validateLimits(maxUses, perCustomer int) error {
	if maxUses < 0 || maxUses > MaxUses {
		return invalid("max_uses", "max_uses must be 0 (unlimited) to %d", MaxUses)
	}
	if perCustomer < 0 || perCustomer > MaxUses {
		return invalid("max_uses_per_customer", "max_uses_per_customer must be 0 (unlimited) to %d", MaxUses)
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Microsecond)
	return &v
}

// trunc caps how much of a rejected input is echoed back.
func trunc(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
