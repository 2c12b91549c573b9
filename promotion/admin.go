package promotion

import (
	"context"

	"github.com/mercatohq/mercato/commerce"
)

// CreatePromotion validates in and stores a new promotion (Version 1,
// Active unless in.Active is false). Bad input is InvalidArgument naming
// its field ("name", "actions[0].basis_points", "conditions.currency",
// ...): a rate over 10000 basis points, a negative or zero amount, an
// amount or budget in another currency than Conditions.Currency (which
// any amount requires), an EndsAt not after StartsAt, and so on.
func (s *Service) CreatePromotion(ctx context.Context, in PromotionInput) (Promotion, error) {
	now := s.now()
	p, err := buildPromotion(Promotion{Active: true}, in)
	if err != nil {
		return Promotion{}, err
	}
	p.ID = commerce.NewID[commerce.PromotionID]()
	p.Version = 1
	p.CreatedAt, p.UpdatedAt = now, now
	if err := s.store.CreatePromotion(ctx, p.Clone()); err != nil {
		return Promotion{}, err
	}
	return s.store.Promotion(ctx, p.ID)
}

// GetPromotion returns promotion id: NotFound if it does not exist,
// InvalidArgument ("id") if id is malformed.
func (s *Service) GetPromotion(ctx context.Context, id commerce.PromotionID) (Promotion, error) {
	if err := validatePromotionID(id); err != nil {
		return Promotion{}, err
	}
	return s.store.Promotion(ctx, id)
}

// ListPromotions returns a page of promotions, newest first. An unknown
// trigger in filter is InvalidArgument ("trigger").
func (s *Service) ListPromotions(ctx context.Context, filter PromotionFilter, page commerce.PageRequest) (commerce.Page[Promotion], error) {
	if filter.Trigger != "" && !filter.Trigger.Valid() {
		return commerce.Page[Promotion]{}, invalid("trigger", "trigger must be %q or %q", TriggerAutomatic, TriggerCode)
	}
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[Promotion]{}, err
	}
	return s.store.ListPromotions(ctx, filter, page)
}

// UpdatePromotion replaces the editable fields of promotion id with in,
// validated as in CreatePromotion (a nil in.Active keeps Active; the
// trigger and the currency cannot change). When version is not 0 it must
// equal the stored Version, or the update is a Conflict. Redemptions
// already reserved keep what they reserved; a Budget lowered below Spent
// only stops new redemptions. NotFound if the promotion does not exist.
func (s *Service) UpdatePromotion(ctx context.Context, id commerce.PromotionID, version int64, in PromotionInput) (Promotion, error) {
	if err := validatePromotionID(id); err != nil {
		return Promotion{}, err
	}
	if version < 0 {
		return Promotion{}, invalid("version", "version must not be negative")
	}
	if _, err := buildPromotion(Promotion{Active: true}, in); err != nil {
		return Promotion{}, err // bad input is refused before any lock
	}
	now := s.now()
	return s.store.UpdatePromotion(ctx, id, func(cur Promotion) (Promotion, error) {
		if version != 0 && cur.Version != version {
			return Promotion{}, commerce.Errorf(commerce.CodeConflict, "promotion: %s is at version %d, not %d", id, cur.Version, version).
				WithDetail("version", cur.Version)
		}
		p, err := buildPromotion(cur, in)
		if err != nil {
			return Promotion{}, err
		}
		p.Version = cur.Version + 1
		p.UpdatedAt = now
		return p, nil
	})
}

// DeactivatePromotion switches promotion id off: it no longer applies and
// its codes are rejected as inactive. Deactivating an inactive promotion
// succeeds and changes nothing. NotFound if it does not exist.
func (s *Service) DeactivatePromotion(ctx context.Context, id commerce.PromotionID) (Promotion, error) {
	if err := validatePromotionID(id); err != nil {
		return Promotion{}, err
	}
	now := s.now()
	return s.store.UpdatePromotion(ctx, id, func(cur Promotion) (Promotion, error) {
		if cur.Active {
			cur.Active = false
			cur.Version++
			cur.UpdatedAt = now
		}
		return cur, nil
	})
}

// CreateCode validates in and stores a new active code for a
// TriggerCode promotion. A malformed code or a negative limit is
// InvalidArgument naming its field; a code that exists is Conflict; a
// missing promotion, or an automatic one, is FailedPrecondition
// ("promotion_id").
func (s *Service) CreateCode(ctx context.Context, in CodeInput) (Code, error) {
	code, err := NormalizeCode(in.Code)
	if err != nil {
		return Code{}, err
	}
	if err := in.PromotionID.Validate(); err != nil {
		return Code{}, invalid("promotion_id", "malformed promotion ID")
	}
	if err := validateLimits(in.MaxUses, in.MaxUsesPerCustomer); err != nil {
		return Code{}, err
	}
	p, err := s.store.Promotion(ctx, in.PromotionID)
	switch {
	case commerce.Code(err) == commerce.CodeNotFound:
		return Code{}, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: no promotion %s", in.PromotionID).WithDetail("field", "promotion_id")
	case err != nil:
		return Code{}, err
	case p.Trigger != TriggerCode:
		return Code{}, commerce.Errorf(commerce.CodeFailedPrecondition, "promotion: %s is automatic and takes no codes", in.PromotionID).WithDetail("field", "promotion_id")
	}
	now := s.now()
	c := Code{Code: code, PromotionID: in.PromotionID, MaxUses: in.MaxUses, MaxUsesPerCustomer: in.MaxUsesPerCustomer,
		Active: true, CreatedAt: now, UpdatedAt: now}
	if err := s.store.CreateCode(ctx, c); err != nil {
		return Code{}, err
	}
	return c, nil
}

// GetCode returns code (normalized first): NotFound if it does not exist.
func (s *Service) GetCode(ctx context.Context, code string) (Code, error) {
	c, err := NormalizeCode(code)
	if err != nil {
		return Code{}, err
	}
	found, err := s.store.Codes(ctx, []string{c})
	if err != nil {
		return Code{}, err
	}
	if len(found) == 0 {
		return Code{}, commerce.Errorf(commerce.CodeNotFound, "promotion: no code %s", c).WithDetail("code", c)
	}
	return found[0], nil
}

// ListCodes returns a page of the codes of promotion id (every code when
// id is empty), ordered by code.
func (s *Service) ListCodes(ctx context.Context, id commerce.PromotionID, page commerce.PageRequest) (commerce.Page[Code], error) {
	if id != "" {
		if err := validatePromotionID(id); err != nil {
			return commerce.Page[Code]{}, err
		}
	}
	page, err := page.Normalize()
	if err != nil {
		return commerce.Page[Code]{}, err
	}
	return s.store.ListCodes(ctx, id, page)
}

// UpdateCode applies patch to code. A limit lowered below Uses only stops
// new redemptions. Negative limits are InvalidArgument; NotFound if the
// code does not exist.
func (s *Service) UpdateCode(ctx context.Context, code string, patch CodePatch) (Code, error) {
	c, err := NormalizeCode(code)
	if err != nil {
		return Code{}, err
	}
	if patch.MaxUses != nil {
		if err := validateLimits(*patch.MaxUses, 0); err != nil {
			return Code{}, err
		}
	}
	if patch.MaxUsesPerCustomer != nil {
		if err := validateLimits(0, *patch.MaxUsesPerCustomer); err != nil {
			return Code{}, err
		}
	}
	now := s.now()
	return s.store.UpdateCode(ctx, c, func(cur Code) (Code, error) {
		next := cur
		if patch.MaxUses != nil {
			next.MaxUses = *patch.MaxUses
		}
		if patch.MaxUsesPerCustomer != nil {
			next.MaxUsesPerCustomer = *patch.MaxUsesPerCustomer
		}
		if patch.Active != nil {
			next.Active = *patch.Active
		}
		if next != cur {
			next.UpdatedAt = now
		}
		return next, nil
	})
}

// DeactivateCode switches code off (UpdateCode with Active false).
func (s *Service) DeactivateCode(ctx context.Context, code string) (Code, error) {
	off := false
	return s.UpdateCode(ctx, code, CodePatch{Active: &off})
}
