package main

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/promotion"
)

// The demo's promotion: a code for 10% off, for its first demoCodeUses
// orders.
const (
	demoCode     = "WELCOME10"
	demoCodeUses = 100
	// demoGiftCard is the balance of the gift card issued at each start,
	// in cents.
	demoGiftCard = 5000
)

// createDemoPromotions creates the demo promotion and its code unless they
// exist (a restart on PostgreSQL), and issues a gift card, whose code it
// returns: it is shown this once, so the start log and the checkout page
// carry it.
func createDemoPromotions(ctx context.Context, p *promotion.Service) (string, error) {
	_, err := p.GetCode(ctx, demoCode)
	switch {
	case errors.Is(err, commerce.ErrNotFound):
		promo, err := p.CreatePromotion(ctx, promotion.PromotionInput{
			Name: "Welcome: 10% off", Description: "10% off the whole order with code " + demoCode,
			Trigger: promotion.TriggerCode,
			Actions: []promotion.Action{{Kind: promotion.ActionPercentOff, Target: promotion.TargetOrder, BasisPoints: 1000}},
		})
		if err != nil {
			return "", err
		}
		if _, err := p.CreateCode(ctx, promotion.CodeInput{Code: demoCode, PromotionID: promo.ID, MaxUses: demoCodeUses}); err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	}
	card, err := p.IssueGiftCard(ctx, promotion.GiftCardInput{Amount: commerce.MustMoney(demoGiftCard, shopCurrency)})
	if err != nil {
		return "", err
	}
	return card.Code, nil
}

// applyCode enters a promotion code in the visitor's cart.
func (w *web) applyCode(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	c, ok := w.guestCart(r)
	if !ok {
		redirect(rw, r, "/cart")
		return
	}
	if _, err := w.s.carts.ApplyCode(r.Context(), c.ID, r.PostForm.Get("code")); err != nil {
		if commerce.Code(err) == commerce.CodeInvalidArgument || commerce.Code(err) == commerce.CodeFailedPrecondition {
			w.renderCart(rw, r, http.StatusBadRequest, "That code cannot be used: "+messageOf(err))
			return
		}
		w.fail(rw, r, err)
		return
	}
	w.setCartCookie(rw, r, c.ID)
	redirect(rw, r, "/cart")
}

// removeCode takes a promotion code out of the visitor's cart.
func (w *web) removeCode(rw http.ResponseWriter, r *http.Request) {
	if err := parseForm(rw, r); err != nil {
		w.fail(rw, r, err)
		return
	}
	c, ok := w.guestCart(r)
	if !ok {
		redirect(rw, r, "/cart")
		return
	}
	if _, err := w.s.carts.RemoveCode(r.Context(), c.ID, r.PathValue("code")); err != nil {
		w.fail(rw, r, err)
		return
	}
	w.setCartCookie(rw, r, c.ID)
	redirect(rw, r, "/cart")
}

// giftCardUses is what a checkout pays with the gift card code the form
// names: the card's whole balance, of which the order takes what it
// needs. No code, no gift card.
func (w *web) giftCardUses(ctx context.Context, code string) ([]order.GiftCardUse, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, nil
	}
	g, err := w.s.promos.GiftCardBalance(ctx, code)
	if err != nil {
		if commerce.Code(err) == commerce.CodeNotFound {
			return nil, commerce.Errorf(commerce.CodeInvalidArgument, "no gift card with that code").WithDetail("field", "gift_card")
		}
		return nil, err
	}
	if !g.Balance.IsPositive() {
		return nil, commerce.Errorf(commerce.CodeInvalidArgument, "the gift card is spent").WithDetail("field", "gift_card")
	}
	return []order.GiftCardUse{{Code: code, Amount: g.Balance}}, nil
}
