package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/promotion"
)

// percentCode creates, through the admin API, a promotion taking
// basisPoints off the order behind code, limited to maxUses.
func (s *shop) percentCode(code string, basisPoints int64, maxUses int) (promotion.Promotion, string) {
	s.t.Helper()
	r := s.admin(http.MethodPost, "/admin/promotions", map[string]any{
		"name": "Welcome", "trigger": "code",
		"actions": []map[string]any{{"kind": "percent_off", "target": "order", "basis_points": basisPoints}},
	})
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var p promotion.Promotion
	r.json(s.t, &p)
	r = s.admin(http.MethodPost, "/admin/promotion-codes", map[string]any{"code": code, "promotion_id": p.ID, "max_uses": maxUses})
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var c promotion.Code
	r.json(s.t, &c)
	return p, c.Code
}

// giftCard issues a USD gift card of cents through the admin API.
func (s *shop) giftCard(cents int64) promotion.IssuedGiftCard {
	s.t.Helper()
	r := s.admin(http.MethodPost, "/admin/gift-cards", map[string]any{"amount": map[string]any{"amount": cents, "currency": "USD"}})
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var g promotion.IssuedGiftCard
	r.json(s.t, &g)
	require.NotEmpty(s.t, g.Code)
	return g
}

// errorField is the "field" detail of an error reply.
func (r reply) errorField(t testing.TB) any {
	t.Helper()
	var e httpapi.ErrorBody
	r.json(t, &e)
	return e.Error.Details["field"]
}

// TestPromotionCodeAndGiftCard: an admin makes a code and a card; a
// guest enters the code, sees the discount, and pays part with the card.
func TestPromotionCodeAndGiftCard(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 2000, 10)
	_, code := s.percentCode("welcome10", 1000, 10)
	assert.Equal(t, "WELCOME10", code)
	card := s.giftCard(500)

	c := s.newCart("")
	s.addItem(c.ID, "", "MUG-1", 2)
	path := "/store/carts/" + c.ID.String() + "/codes"
	r := s.do(http.MethodPost, path, "", map[string]string{"code": " Welcome10 "})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var priced httpapi.CartResponse
	r.json(t, &priced)
	assert.Equal(t, []string{"WELCOME10"}, priced.Codes)
	assert.Equal(t, commerce.MustMoney(400, "USD"), priced.Totals.Discount)
	assert.Equal(t, commerce.MustMoney(3600, "USD"), priced.Totals.Total)
	require.Len(t, priced.Totals.Promotions, 1)

	for body, field := range map[string]string{`{"code":"NOPE99"}`: "code", `{"code":""}`: "code", `{"code":"a b"}`: "code"} {
		r := s.do(http.MethodPost, path, "", body)
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", body, r.body)
		assert.Equal(t, field, r.errorField(t), body)
	}

	checkout := checkoutBody("guest@example.com", "pm_card_visa")
	checkout["gift_cards"] = []map[string]any{{"code": card.Code, "amount": map[string]any{"amount": 500, "currency": "USD"}}}
	r = s.checkout(c.ID, "", "promo-key", checkout)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	o := orderOf(t, r)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, commerce.MustMoney(400, "USD"), o.Totals.Discount)
	require.Len(t, o.GiftCards, 1)
	assert.Equal(t, card.GiftCard.Hint, o.GiftCards[0].Hint)
	assert.Equal(t, int64(3100), s.orderPayment(o.ID).Amount.Amount(), "the card pays the total less the gift card")

	r = s.admin(http.MethodPost, "/admin/gift-cards/balance", map[string]string{"code": card.Code})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var g promotion.GiftCard
	r.json(t, &g)
	assert.Zero(t, g.Balance.Amount())
	r = s.admin(http.MethodGet, "/admin/promotion-codes/WELCOME10", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var pc promotion.Code
	r.json(t, &pc)
	assert.Equal(t, 1, pc.Uses)
}

// TestPromotionBadInput: what the issue lists as bad input is 400 naming
// its field, never a 5xx.
func TestPromotionBadInput(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 2000, 10)
	cases := []struct {
		path string
		body any
	}{
		{"/admin/promotions", map[string]any{"name": "Too much", "trigger": "code",
			"actions": []map[string]any{{"kind": "percent_off", "target": "order", "basis_points": 10001}}}},
		{"/admin/gift-cards", map[string]any{"amount": map[string]any{"amount": -100, "currency": "USD"}}},
		{"/admin/promotion-codes", map[string]any{"code": "X", "promotion_id": "promo_nope"}},
	}
	for _, tc := range cases {
		r := s.admin(http.MethodPost, tc.path, tc.body)
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", tc.path, r.body)
		assert.NotEmpty(t, r.errorField(t), "%s: %s", tc.path, r.body)
	}

	// A code in another currency, an unknown gift card, a negative
	// amount: 400 naming the field.
	p := s.admin(http.MethodPost, "/admin/promotions", map[string]any{
		"name": "Euros", "trigger": "code", "conditions": map[string]any{"currency": "EUR"},
		"actions": []map[string]any{{"kind": "amount_off", "target": "order", "amount": map[string]any{"amount": 500, "currency": "EUR"}}},
	})
	require.Equal(t, http.StatusCreated, p.status, "%s", p.body)
	var euro promotion.Promotion
	p.json(t, &euro)
	r := s.admin(http.MethodPost, "/admin/promotion-codes", map[string]any{"code": "EUROS5", "promotion_id": euro.ID})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	c := s.newCart("")
	s.addItem(c.ID, "", "MUG-1", 1)
	r = s.do(http.MethodPost, "/store/carts/"+c.ID.String()+"/codes", "", map[string]string{"code": "EUROS5"})
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, "code", r.errorField(t))

	for field, amount := range map[string]int64{"gift_cards[0].code": 100, "gift_cards[0].amount": -1} {
		body := checkoutBody("guest@example.com", "pm_card_visa")
		body["gift_cards"] = []map[string]any{{"code": "NO-SUCH-CARD-AT-ALL", "amount": map[string]any{"amount": amount, "currency": "USD"}}}
		r := s.checkout(c.ID, "", "bad-"+field, body)
		assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", field, r.body)
		assert.Equal(t, field, r.errorField(t))
	}
}
