package promotiontest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// testEvaluate: automatic promotions in their window and codes apply,
// stacking by priority, discounts allocated exactly.
func testEvaluate(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	// Nothing stored: nothing applies.
	r := f.evaluate(basket(nil, 1000, 3000))
	require.Empty(t, r.Applied)
	require.Equal(t, []commerce.Money{usd(0), usd(0)}, r.LineDiscounts)
	require.Equal(t, usd(0), r.Discount)

	auto := percentOff("auto 10%", 1000)
	auto.Trigger = promotion.TriggerAutomatic
	a := f.promotion(auto)
	later := epoch.Add(time.Hour)
	future := auto
	future.Name, future.StartsAt = "not yet", &later
	f.promotion(future)
	past := auto
	before := epoch.Add(-time.Hour)
	past.Name, past.EndsAt = "over", &before
	f.promotion(past)
	off := auto
	off.Name = "off"
	no := false
	off.Active = &no
	f.promotion(off)
	eur := auto
	eur.Name, eur.Conditions.Currency = "euros", "EUR"
	f.promotion(eur)

	r = f.evaluate(basket(nil, 1000, 3000))
	require.Len(t, r.Applied, 1, "only the live USD promotion")
	require.Equal(t, a.ID, r.Applied[0].PromotionID)
	require.Equal(t, "auto 10%", r.Applied[0].Name)
	require.Equal(t, usd(400), r.Discount)
	require.Equal(t, []commerce.Money{usd(100), usd(300)}, r.LineDiscounts)
	require.Equal(t, r.LineDiscounts, r.Applied[0].LineDiscounts)

	// A combinable code stacks on what the automatic one left; a higher
	// priority goes first.
	code := promotion.PromotionInput{
		Name: "5 off", Trigger: promotion.TriggerCode, Priority: 10, Conditions: promotion.Conditions{Currency: "USD"},
		Actions: []promotion.Action{{Kind: promotion.ActionAmountOff, Amount: usdp(500)}},
	}
	c := f.promotion(code)
	f.code("FIVE", c.ID, 0, 0)
	r = f.evaluate(basket([]string{"five"}, 1000, 3000))
	require.Len(t, r.Applied, 2)
	require.Equal(t, c.ID, r.Applied[0].PromotionID, "priority 10 first")
	require.Equal(t, "FIVE", r.Applied[0].Code)
	require.Equal(t, usd(500), r.Applied[0].Discount)
	require.Equal(t, usd(350), r.Applied[1].Discount, "10% of the 3500 left")
	require.Equal(t, usd(850), r.Discount)
	var sum int64
	for _, d := range r.LineDiscounts {
		sum += d.Amount()
	}
	require.Equal(t, int64(850), sum)
	require.Empty(t, r.Rejected)

	// An exclusive code of higher priority applies alone.
	excl := percentOff("half", 5000)
	excl.Exclusive, excl.Priority = true, 20
	e := f.promotion(excl)
	f.code("HALF", e.ID, 0, 0)
	r = f.evaluate(basket([]string{"HALF", "FIVE"}, 1000, 3000))
	require.Len(t, r.Applied, 1)
	require.Equal(t, e.ID, r.Applied[0].PromotionID)
	require.Equal(t, usd(2000), r.Discount)
	require.Equal(t, []promotion.Rejected{{Code: "FIVE", Reason: promotion.ReasonNotCombinable, Message: r.Rejected[0].Message}}, r.Rejected)
	require.NotEmpty(t, r.Rejected[0].Message)

	// Free shipping never exceeds the shipping charge.
	ship := promotion.PromotionInput{Name: "ship", Trigger: promotion.TriggerCode,
		Actions: []promotion.Action{{Kind: promotion.ActionFreeShipping}}}
	s := f.promotion(ship)
	f.code("SHIPFREE", s.ID, 0, 0)
	b := basket([]string{"SHIPFREE"}, 1000)
	b.Shipping = usd(499)
	r = f.evaluate(b)
	require.Equal(t, usd(499), r.ShippingDiscount)
	require.Equal(t, usd(100), r.Discount, "the automatic 10% still applies")
}

// testRejectedCodes: each code that does not apply is listed with its
// stable reason, and evaluation still succeeds.
func testRejectedCodes(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("GOOD", p.ID, 0, 0)
	f.code("DUPE", p.ID, 0, 0)
	f.code("OFFCODE", p.ID, 0, 0)
	_, err := f.svc.DeactivateCode(f.ctx, "OFFCODE")
	require.NoError(t, err)

	before := epoch.Add(-time.Hour)
	expired := percentOff("expired", 1000)
	expired.EndsAt = &before
	f.code("OLD", f.promotion(expired).ID, 0, 0)
	after := epoch.Add(time.Hour)
	soon := percentOff("soon", 1000)
	soon.StartsAt = &after
	f.code("SOON", f.promotion(soon).ID, 0, 0)
	eur := percentOff("euro", 1000)
	eur.Conditions.Currency = "EUR"
	f.code("EURO", f.promotion(eur).ID, 0, 0)
	big := percentOff("big baskets", 1000)
	big.Conditions.MinSubtotal = usdp(100000)
	f.code("BIG", f.promotion(big).ID, 0, 0)
	used := f.promotion(percentOff("once", 1000))
	f.code("ONCE", used.ID, 1, 0)
	_, err = f.svc.Reserve(f.ctx, f.reserveInput("ONCE", "", "", 1000))
	require.NoError(t, err)

	r := f.evaluate(basket([]string{"GOOD", "nosuch", "??", "DUPE", "OFFCODE", "OLD", "SOON", "EURO", "BIG", "ONCE"}, 1000))
	require.Len(t, r.Applied, 1)
	require.Equal(t, "GOOD", r.Applied[0].Code)
	reasons := map[string]promotion.RejectReason{}
	for _, rj := range r.Rejected {
		reasons[rj.Code] = rj.Reason
		require.NotEmpty(t, rj.Message, rj.Code)
	}
	require.Equal(t, map[string]promotion.RejectReason{
		"NOSUCH":  promotion.ReasonUnknown,
		"??":      promotion.ReasonUnknown,
		"DUPE":    promotion.ReasonDuplicate,
		"OFFCODE": promotion.ReasonInactive,
		"OLD":     promotion.ReasonExpired,
		"SOON":    promotion.ReasonNotStarted,
		"EURO":    promotion.ReasonCurrency,
		"BIG":     promotion.ReasonConditions,
		"ONCE":    promotion.ReasonExhausted,
	}, reasons)

	// Bad baskets are InvalidArgument naming the field.
	for field, b := range map[string]promotion.Basket{
		"currency":          {Currency: "XYZ", Lines: basket(nil, 100).Lines},
		"lines":             {Currency: "USD"},
		"lines[0].total":    {Currency: "USD", Lines: []promotion.BasketLine{{SKU: "a", Quantity: 2, UnitPrice: usd(100), Total: usd(100)}}},
		"lines[0].quantity": {Currency: "USD", Lines: []promotion.BasketLine{{SKU: "a", Quantity: 0, UnitPrice: usd(100), Total: usd(0)}}},
		"lines[0].unit_price": {Currency: "USD", Lines: []promotion.BasketLine{
			{SKU: "a", Quantity: 1, UnitPrice: usd(-100), Total: usd(-100)}}},
		"shipping": {Currency: "USD", Lines: basket(nil, 100).Lines, Shipping: usd(-1)},
	} {
		_, err := f.svc.Evaluate(f.ctx, b)
		requireCode(t, commerce.CodeInvalidArgument, err, field)
		requireDetail(t, err, "field", field)
	}
}
