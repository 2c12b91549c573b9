package httpapi

import (
	"net/http"
	"strconv"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// UpdatePromotionRequest is the body of PUT /admin/promotions/{id}: the
// promotion's new editable fields and the version they were read at, so
// that two admins editing at once cannot overwrite each other (a stale
// version is 409).
type UpdatePromotionRequest struct {
	Version int64 `json:"version"`
	promotion.PromotionInput
}

// GiftCardCodeRequest is the body of POST /admin/gift-cards/balance: a
// card's code, sent in a body so it stays out of URLs and access logs.
type GiftCardCodeRequest struct {
	Code string `json:"code"`
}

// adminPromotionRoutes serves promotions, their codes and gift cards,
// served when the API has a promotion service.
func (a *API) adminPromotionRoutes() {
	p := a.svc.Promotions
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/promotions", Tag: "admin promotions", Auth: Admin,
		Summary: "Create a promotion: conditions, actions, stacking, an optional budget and date window; automatic, or behind codes",
		Request: promotion.PromotionInput{}, Response: promotion.Promotion{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in promotion.PromotionInput) (promotion.Promotion, error) {
			return p.CreatePromotion(r.Context(), in)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/promotions", Tag: "admin promotions", Auth: Admin,
		Summary: "Promotions, newest first, keyset-paged",
		Query: []Param{
			{Name: "trigger", Description: "automatic or code"},
			{Name: "active", Description: "true or false", Type: "boolean"},
		},
		Response: List[promotion.Promotion]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[promotion.Promotion], error) {
			var f promotion.PromotionFilter
			q := r.URL.Query()
			if s := q.Get("trigger"); s != "" {
				f.Trigger = promotion.Trigger(s)
				if !f.Trigger.Valid() {
					return commerce.Page[promotion.Promotion]{}, commerce.Errorf(commerce.CodeInvalidArgument, "unknown trigger %q", truncate(s)).WithDetail("field", "trigger")
				}
			}
			if s := q.Get("active"); s != "" {
				b, err := strconv.ParseBool(s)
				if err != nil {
					return commerce.Page[promotion.Promotion]{}, commerce.Errorf(commerce.CodeInvalidArgument, "active must be true or false").WithDetail("field", "active")
				}
				f.Active = &b
			}
			return p.ListPromotions(r.Context(), f, page)
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/promotions/{id}", Tag: "admin promotions", Auth: Admin,
		Summary: "A promotion", Response: promotion.Promotion{},
		handle: reply(byID(p.GetPromotion)),
	})
	a.add(Route{
		Method: http.MethodPut, Path: "/admin/promotions/{id}", Tag: "admin promotions", Auth: Admin,
		Summary: "Replace a promotion's editable fields, at the version it was read at (409 when it changed since)",
		Request: UpdatePromotionRequest{}, Response: promotion.Promotion{},
		handle: withID("id", func(id commerce.PromotionID) handler {
			return replyWith(a, func(r *http.Request, in UpdatePromotionRequest) (promotion.Promotion, error) {
				return p.UpdatePromotion(r.Context(), id, in.Version, in.PromotionInput)
			})
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/promotions/{id}/deactivate", Tag: "admin promotions", Auth: Admin,
		Summary: "Switch a promotion off: it no longer applies, and its codes are refused", Response: promotion.Promotion{},
		handle: reply(byID(p.DeactivatePromotion)),
	})

	a.add(Route{
		Method: http.MethodPost, Path: "/admin/promotion-codes", Tag: "admin promotions", Auth: Admin,
		Summary: "Create a coupon code for a promotion, with its limits: total uses and uses per customer (0 = unlimited)",
		Request: promotion.CodeInput{}, Response: promotion.Code{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in promotion.CodeInput) (promotion.Code, error) {
			return p.CreateCode(r.Context(), in)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/promotion-codes", Tag: "admin promotions", Auth: Admin,
		Summary:  "Coupon codes in code order, of one promotion or all, keyset-paged",
		Query:    []Param{{Name: "promotion_id", Description: "only this promotion's codes"}},
		Response: List[promotion.Code]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[promotion.Code], error) {
			var id commerce.PromotionID
			if s := r.URL.Query().Get("promotion_id"); s != "" {
				var err error
				if id, err = commerce.ParseID[commerce.PromotionID](s); err != nil {
					return commerce.Page[promotion.Code]{}, commerce.Errorf(commerce.CodeInvalidArgument, "promotion_id %q is not a promotion ID", truncate(s)).WithDetail("field", "promotion_id")
				}
			}
			return p.ListCodes(r.Context(), id, page)
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/promotion-codes/{code}", Tag: "admin promotions", Auth: Admin,
		Summary: "A coupon code, with its uses so far", Response: promotion.Code{},
		handle: reply(func(r *http.Request) (promotion.Code, error) {
			return p.GetCode(r.Context(), r.PathValue("code"))
		}),
	})
	a.add(Route{
		Method: http.MethodPatch, Path: "/admin/promotion-codes/{code}", Tag: "admin promotions", Auth: Admin,
		Summary: "Change a coupon code's limits or switch it on or off; fields left out stay",
		Request: promotion.CodePatch{}, Response: promotion.Code{},
		handle: replyWith(a, func(r *http.Request, in promotion.CodePatch) (promotion.Code, error) {
			return p.UpdateCode(r.Context(), r.PathValue("code"), in)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/promotion-codes/{code}/deactivate", Tag: "admin promotions", Auth: Admin,
		Summary: "Switch a coupon code off: carts and checkouts refuse it", Response: promotion.Code{},
		handle: reply(func(r *http.Request) (promotion.Code, error) {
			return p.DeactivateCode(r.Context(), r.PathValue("code"))
		}),
	})

	a.add(Route{
		Method: http.MethodPost, Path: "/admin/gift-cards", Tag: "admin gift cards", Auth: Admin,
		Summary: "Issue a gift card: the answer carries its code, shown this once (only its hash is kept)",
		Request: promotion.GiftCardInput{}, Response: promotion.IssuedGiftCard{}, Status: http.StatusCreated,
		handle: replyWith(a, func(r *http.Request, in promotion.GiftCardInput) (promotion.IssuedGiftCard, error) {
			return p.IssueGiftCard(r.Context(), in)
		}),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/gift-cards", Tag: "admin gift cards", Auth: Admin,
		Summary: "Gift cards, newest first, keyset-paged", Response: List[promotion.GiftCard]{},
		handle: reply(paged(func(r *http.Request, page commerce.PageRequest) (commerce.Page[promotion.GiftCard], error) {
			return p.ListGiftCards(r.Context(), page)
		})),
	})
	a.add(Route{
		Method: http.MethodGet, Path: "/admin/gift-cards/{id}", Tag: "admin gift cards", Auth: Admin,
		Summary: "A gift card and its balance", Response: promotion.GiftCard{},
		handle: reply(byID(p.GetGiftCard)),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/gift-cards/balance", Tag: "admin gift cards", Auth: Admin,
		Summary: "Look a gift card up by its code: its balance, currency and expiry",
		Request: GiftCardCodeRequest{}, Response: promotion.GiftCard{},
		handle: replyWith(a, func(r *http.Request, in GiftCardCodeRequest) (promotion.GiftCard, error) {
			return p.GiftCardBalance(r.Context(), in.Code)
		}),
	})
	a.add(Route{
		Method: http.MethodPost, Path: "/admin/gift-cards/{id}/deactivate", Tag: "admin gift cards", Auth: Admin,
		Summary: "Switch a gift card off: checkouts refuse it; holds already made stand", Response: promotion.GiftCard{},
		handle: reply(byID(p.DeactivateGiftCard)),
	})
}
