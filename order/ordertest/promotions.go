package ordertest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/promotion"
)

// withPromotions gives o the World's promotion service, unless o has its
// own.
func (w *World) withPromotions(o *order.Options) {
	if w.Promotions == nil {
		return
	}
	if o.Promotions == nil {
		o.Promotions = w.Promotions
	}
	if o.GiftCards == nil {
		o.GiftCards = w.Promotions
	}
}

// promos returns the World's promotion service, failing the test without
// one.
func (w *World) promos(t testing.TB) *promotion.Service {
	t.Helper()
	require.NotNil(t, w.Promotions, "ordertest: the promotion tests need Stores.Promotions")
	return w.Promotions
}

// PercentCode creates a promotion taking basisPoints off the whole order
// behind code, limited to maxUses (0 = unlimited).
func (w *World) PercentCode(t testing.TB, code string, basisPoints int64, maxUses int) promotion.Code {
	t.Helper()
	ctx := context.Background()
	p, err := w.promos(t).CreatePromotion(ctx, promotion.PromotionInput{
		Name: fmt.Sprintf("%d%% off", basisPoints/100), Trigger: promotion.TriggerCode,
		Actions: []promotion.Action{{Kind: promotion.ActionPercentOff, Target: promotion.TargetOrder, BasisPoints: basisPoints}},
	})
	require.NoError(t, err)
	c, err := w.Promotions.CreateCode(ctx, promotion.CodeInput{Code: code, PromotionID: p.ID, MaxUses: maxUses})
	require.NoError(t, err)
	return c
}

// GiftCard issues a USD gift card of cents and returns it with its code.
func (w *World) GiftCard(t testing.TB, cents int64) promotion.IssuedGiftCard {
	t.Helper()
	g, err := w.promos(t).IssueGiftCard(context.Background(), promotion.GiftCardInput{Amount: money(cents)})
	require.NoError(t, err)
	return g
}

// balance is gift card id's balance in cents.
func (w *World) balance(t testing.TB, id commerce.GiftCardID) int64 {
	t.Helper()
	g, err := w.promos(t).GetGiftCard(context.Background(), id)
	require.NoError(t, err)
	return g.Balance.Amount()
}

// uses is how many reserved or committed redemptions use code.
func (w *World) uses(t testing.TB, code string) int {
	t.Helper()
	c, err := w.promos(t).GetCode(context.Background(), code)
	require.NoError(t, err)
	return c.Uses
}

// applyCode enters code in cart id.
func (w *World) applyCode(t testing.TB, id commerce.CartID, code string) {
	t.Helper()
	_, err := w.Carts.ApplyCode(context.Background(), id, code)
	require.NoError(t, err)
}

// withGiftCard is in paying up to cents with gift card code.
func withGiftCard(in order.CheckoutInput, code string, cents int64) order.CheckoutInput {
	in.GiftCards = append(in.GiftCards, order.GiftCardUse{Code: code, Amount: money(cents)})
	return in
}

// testPromotionCheckout: a code and a gift card in one checkout. The
// order freezes the discount line by line, the card payment takes the
// total less the gift card, and the code's use and the card's debit are
// committed with the order; cancelling gives all of it back.
func testPromotionCheckout(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	w.SetStock(t, "TEE", 5)
	w.Prices.Set("TEE", 999)
	w.PercentCode(t, "TEN-OFF", 1000, 0)
	card := w.GiftCard(t, 1000)
	cartID := w.Cart(t, Item{"MUG", 2}, Item{"TEE", 1}) // 25.00 + 9.99
	w.applyCode(t, cartID, "ten-off")

	tot, err := w.Carts.Totals(ctx, cartID)
	require.NoError(t, err)
	assert.Equal(t, money(350), tot.Discount, "the cart shows 10%% of 34.99, rounded half to even")
	require.Len(t, tot.Promotions, 1)

	o, err := w.Orders.Checkout(ctx, cartID, withGiftCard(Input("pm_card_visa", NewKey()), card.Code, 1000))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, money(3499), o.Totals.Subtotal)
	assert.Equal(t, money(350), o.Totals.Discount)
	assert.Equal(t, money(3149), o.Totals.Total)
	var lines int64
	for _, l := range o.Lines {
		assert.False(t, l.Discount.IsNegative())
		lines += l.Discount.Amount()
	}
	assert.Equal(t, int64(350), lines, "line discounts sum to the order's")
	require.Len(t, o.Promotions, 1)
	assert.Equal(t, "TEN-OFF", o.Promotions[0].Code)
	require.Len(t, o.GiftCards, 1)
	assert.Equal(t, card.GiftCard.ID, o.GiftCards[0].GiftCardID)
	assert.Equal(t, card.GiftCard.Hint, o.GiftCards[0].Hint)
	assert.Equal(t, money(1000), o.GiftCards[0].Amount)
	assert.Equal(t, int64(2149), w.captured(t, o.ID), "the card payment takes the total less the gift card")
	assert.Equal(t, int64(0), w.balance(t, card.GiftCard.ID))
	assert.Equal(t, 1, w.uses(t, "TEN-OFF"))
	got, err := w.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, o, got, "the store keeps what the order froze")

	cancelled, err := w.Orders.Cancel(ctx, o.ID, order.ActorAdmin, "changed my mind")
	require.NoError(t, err)
	assert.True(t, cancelled.Settled)
	assert.Zero(t, w.captured(t, o.ID))
	assert.Equal(t, int64(1000), w.balance(t, card.GiftCard.ID), "the gift card is credited back")
	assert.Equal(t, 0, w.uses(t, "TEN-OFF"), "a cancelled order gives its use back")
	evs := w.Events.Await(t, "order.cancelled", 1)
	ev, ok := evs[len(evs)-1].Payload.(order.Cancelled)
	require.True(t, ok, "payload %T", evs[len(evs)-1].Payload)
	assert.Equal(t, money(3149), ev.Refund, "the event counts the gift card's money too")

	// Without a code or a card, a checkout with promotions wired is as
	// it always was.
	plain := w.Cart(t, Item{"MUG", 1})
	o, err = w.Orders.Checkout(ctx, plain, Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, money(0), o.Totals.Discount)
	assert.Empty(t, o.Promotions)
	assert.Empty(t, o.GiftCards)
	assert.Equal(t, int64(defaultPrice), w.captured(t, o.ID))
}

// testGiftCardPaysAll: an order its gift cards pay in full takes no card
// payment; a partial return refunds the cards.
func testGiftCardPaysAll(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	first, second := w.GiftCard(t, 2000), w.GiftCard(t, 5000)
	cartID := w.Cart(t, Item{"MUG", 2}) // 25.00
	in := withGiftCard(withGiftCard(Input("pm_card_visa", NewKey()), first.Code, 2000), second.Code, 5000)
	o, err := w.Orders.Checkout(ctx, cartID, in)
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Empty(t, o.PaymentIDs, "no card payment")
	require.Len(t, o.GiftCards, 2)
	assert.Equal(t, money(2000), o.GiftCards[0].Amount)
	assert.Equal(t, money(500), o.GiftCards[1].Amount, "the second card pays only what is left")
	assert.Equal(t, int64(0), w.balance(t, first.GiftCard.ID))
	assert.Equal(t, int64(4500), w.balance(t, second.GiftCard.ID))
	assert.Empty(t, w.Provider.Charges())

	// Delivered, one unit returned: 12.50 back to the gift cards.
	for _, to := range deliverySteps {
		_, err := w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: to})
		require.NoError(t, err, "to %s", to)
	}
	_, ret, err := w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: o.ID, Lines: []order.ReturnLine{{SKU: "MUG", Quantity: 1}}})
	require.NoError(t, err)
	assert.Equal(t, money(1250), ret.Refund.Total)
	_, _, err = w.Orders.ApproveReturn(ctx, o.ID, ret.Number, "")
	require.NoError(t, err)
	_, ret, err = w.Orders.RefundReturn(ctx, o.ID, ret.Number, "")
	require.NoError(t, err)
	assert.Equal(t, order.ReturnStatusRefunded, ret.Status)
	assert.Equal(t, int64(4500+1250), w.balance(t, first.GiftCard.ID)+w.balance(t, second.GiftCard.ID),
		"the return credits 12.50 back to the cards")
}

// deliverySteps take a confirmed order to Delivered.
var deliverySteps = []order.Status{order.StatusProcessing, order.StatusPacked, order.StatusShipped,
	order.StatusInTransit, order.StatusOutForDelivery, order.StatusDelivered}

// testDiscountedReturn: a return refunds the units' discounted price,
// gift-card money first; all returns together refund what was paid.
func testDiscountedReturn(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	w.PercentCode(t, "THIRD", 3333, 0)
	card := w.GiftCard(t, 500)
	cartID := w.Cart(t, Item{"MUG", 3}) // 37.50, 33.33% off: 12.50 (12.4988 half-even)
	w.applyCode(t, cartID, "THIRD")
	o, err := w.Orders.Checkout(ctx, cartID, withGiftCard(Input("pm_card_visa", NewKey()), card.Code, 500))
	require.NoError(t, err)
	paid := o.Totals.Total.Amount()
	require.Equal(t, o.Totals.Subtotal.Amount()-o.Totals.Discount.Amount(), paid)
	for _, to := range deliverySteps {
		_, err := w.Orders.Transition(ctx, order.TransitionInput{OrderID: o.ID, To: to})
		require.NoError(t, err)
	}
	var refunded int64
	for i := range 3 {
		_, ret, err := w.Orders.RequestReturn(ctx, order.ReturnInput{OrderID: o.ID, Lines: []order.ReturnLine{{SKU: "MUG", Quantity: 1}}})
		require.NoError(t, err)
		assert.LessOrEqual(t, ret.Refund.Total.Amount(), int64(defaultPrice), "return %d refunds a discounted unit", i)
		_, _, err = w.Orders.ApproveReturn(ctx, o.ID, ret.Number, "")
		require.NoError(t, err)
		_, _, err = w.Orders.RefundReturn(ctx, o.ID, ret.Number, "")
		require.NoError(t, err)
		refunded += ret.Refund.Total.Amount()
		if i == 0 {
			assert.Equal(t, int64(500), w.balance(t, card.GiftCard.ID), "the first return goes to the gift card first")
		}
	}
	assert.Equal(t, paid, refunded, "the returns refund exactly what was paid")
	assert.Zero(t, w.captured(t, o.ID))
	assert.Equal(t, int64(500), w.balance(t, card.GiftCard.ID))
}

// testCodeLimitRace: buyers released at once against a code limited to
// fewer uses: exactly that many orders are placed; the others are told
// which code ran out, are charged nothing and hold no stock.
func testCodeLimitRace(t *testing.T, s suite) {
	const buyers, limit = 12, 4
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", buyers)
	w.PercentCode(t, "FEW", 2000, limit)
	carts := make([]commerce.CartID, buyers)
	for i := range carts {
		carts[i] = w.Cart(t, Item{"MUG", 1})
		w.applyCode(t, carts[i], "FEW")
	}
	outs := concurrently(buyers, func(i int) (order.Order, error) {
		return w.Orders.Checkout(ctx, carts[i], Input("pm_card_visa", NewKey()))
	})
	confirmed := 0
	for _, r := range outs {
		if r.err == nil {
			assert.Equal(t, order.StatusConfirmed, r.o.Status)
			assert.Equal(t, money(1000), r.o.Totals.Total)
			confirmed++
			continue
		}
		requireCode(t, commerce.CodeFailedPrecondition, r.err)
		var e *commerce.Error
		require.True(t, errors.As(r.err, &e))
		assert.Equal(t, "FEW", e.Details["code"], "the error names the code: %v", r.err)
	}
	assert.Equal(t, limit, confirmed)
	assert.Equal(t, limit, w.uses(t, "FEW"))
	assert.Len(t, w.Provider.Charges(), limit, "the refused are charged nothing")
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{buyers - limit, 0}, [2]int{onHand, reserved})
}

// testGiftCardRace: buyers released at once paying with one card that
// covers only some of them: exactly those are placed and the card never
// goes below zero.
func testGiftCardRace(t *testing.T, s suite) {
	const buyers, covered = 10, 3
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", buyers)
	card := w.GiftCard(t, covered*defaultPrice)
	carts := make([]commerce.CartID, buyers)
	for i := range carts {
		carts[i] = w.Cart(t, Item{"MUG", 1})
	}
	outs := concurrently(buyers, func(i int) (order.Order, error) {
		return w.Orders.Checkout(ctx, carts[i], withGiftCard(Input("pm_card_visa", NewKey()), card.Code, defaultPrice))
	})
	confirmed := 0
	for _, r := range outs {
		if r.err == nil {
			assert.Empty(t, r.o.PaymentIDs, "paid by the gift card alone")
			confirmed++
			continue
		}
		requireCode(t, commerce.CodeFailedPrecondition, r.err)
	}
	assert.Equal(t, covered, confirmed)
	assert.Equal(t, int64(0), w.balance(t, card.GiftCard.ID))
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{buyers - covered, 0}, [2]int{onHand, reserved})
}

// testPromotionBadInput: gift cards that cannot be right are refused
// before anything is held, naming the field.
func testPromotionBadInput(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	card := w.GiftCard(t, 1000)
	cartID := w.Cart(t, Item{"MUG", 1})
	for field, in := range map[string]order.CheckoutInput{
		"gift_cards[0].code":   withGiftCard(Input("pm_card_visa", NewKey()), " ", 100),
		"gift_cards[0].amount": withGiftCard(Input("pm_card_visa", NewKey()), card.Code, -1),
		"gift_cards[1].code":   withGiftCard(withGiftCard(Input("pm_card_visa", NewKey()), card.Code, 100), card.Code, 100),
	} {
		_, err := w.Orders.Checkout(ctx, cartID, in)
		requireCode(t, commerce.CodeInvalidArgument, err)
		var e *commerce.Error
		require.True(t, errors.As(err, &e))
		assert.Equal(t, field, e.Details["field"], "%v", err)
	}
	eur := withGiftCard(Input("pm_card_visa", NewKey()), card.Code, 0)
	eur.GiftCards[0].Amount = commerce.MustMoney(100, "EUR")
	_, err := w.Orders.Checkout(ctx, cartID, eur)
	requireCode(t, commerce.CodeInvalidArgument, err)

	// An unknown card: the order is discarded, nothing is held.
	_, err = w.Orders.Checkout(ctx, cartID, withGiftCard(Input("pm_card_visa", NewKey()), "NOT-A-REAL-CARD-CODE", 100))
	requireCode(t, commerce.CodeInvalidArgument, err)
	onHand, reserved := w.level(t, "MUG")
	assert.Equal(t, [2]int{5, 0}, [2]int{onHand, reserved})
	assert.Equal(t, int64(1000), w.balance(t, card.GiftCard.ID))
	assert.Empty(t, w.Provider.Charges())
}

// testFreeShippingAndTax: an automatic free-shipping promotion zeroes the
// shipping of the orders it applies to, and tax is computed on the
// discounted amounts.
func testFreeShippingAndTax(t *testing.T, s suite) {
	w := s.world(t, &order.Options{
		Shipping: order.FlatShipping{Rates: map[commerce.Currency]int64{usd: 500}},
		Tax:      order.PercentTax{BasisPoints: 1000},
	})
	ctx := context.Background()
	w.SetStock(t, "MUG", 10)
	over := money(2000)
	_, err := w.promos(t).CreatePromotion(ctx, promotion.PromotionInput{
		Name: "Free shipping over 20.00", Trigger: promotion.TriggerAutomatic,
		Conditions: promotion.Conditions{MinSubtotal: &over, Currency: usd},
		Actions:    []promotion.Action{{Kind: promotion.ActionFreeShipping}},
	})
	require.NoError(t, err)
	w.PercentCode(t, "HALF", 5000, 0)

	small, err := w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 1}), Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, money(500), small.Totals.Shipping, "below the minimum: shipping is charged")
	assert.Empty(t, small.Promotions)
	assert.Equal(t, money(1250+500+175), small.Totals.Total, "10%% tax on 12.50 + 5.00")

	big, err := w.Orders.Checkout(ctx, w.Cart(t, Item{"MUG", 2}), Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, money(0), big.Totals.Shipping, "free shipping")
	require.Len(t, big.Promotions, 1)
	assert.Equal(t, money(500), big.Promotions[0].ShippingDiscount)
	assert.Equal(t, money(2500+250), big.Totals.Total)

	// Half off 25.00 stacks with free shipping (a promotion's minimum is
	// on the subtotal before discounts), and tax is on the discounted
	// lines.
	halved := w.Cart(t, Item{"MUG", 2})
	w.applyCode(t, halved, "HALF")
	o, err := w.Orders.Checkout(ctx, halved, Input("pm_card_visa", NewKey()))
	require.NoError(t, err)
	assert.Equal(t, money(1250), o.Totals.Discount)
	assert.Equal(t, money(0), o.Totals.Shipping)
	assert.Len(t, o.Promotions, 2)
	assert.Equal(t, money(1250+125), o.Totals.Total)
	assert.Equal(t, o.Totals.Total.Amount(), w.captured(t, o.ID))
}
