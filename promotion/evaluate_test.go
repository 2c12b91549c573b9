package promotion_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func usd(a int64) commerce.Money { return commerce.MustMoney(a, "USD") }

func usdp(a int64) *commerce.Money {
	m := usd(a)
	return &m
}

type env struct {
	t   *testing.T
	ctx context.Context
	svc *promotion.Service
}

func newEnv(t *testing.T, products promotion.Products) *env {
	t.Helper()
	svc, err := promotion.NewService(memory.NewPromotionStore(nil), &promotion.Options{
		Clock: commerce.NewTestClock(epoch), Products: products, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	return &env{t: t, ctx: context.Background(), svc: svc}
}

// auto creates an automatic USD promotion with conds and actions.
func (e *env) auto(conds promotion.Conditions, actions ...promotion.Action) promotion.Promotion {
	e.t.Helper()
	if conds.Currency == "" {
		conds.Currency = "USD"
	}
	p, err := e.svc.CreatePromotion(e.ctx, promotion.PromotionInput{Name: "p", Trigger: promotion.TriggerAutomatic, Conditions: conds, Actions: actions})
	require.NoError(e.t, err)
	return p
}

func (e *env) eval(b promotion.Basket) promotion.Result {
	e.t.Helper()
	r, err := e.svc.Evaluate(e.ctx, b)
	require.NoError(e.t, err)
	return r
}

type ln struct {
	sku   string
	prod  commerce.ProductID
	qty   int
	price int64
}

func bsk(lines ...ln) promotion.Basket {
	b := promotion.Basket{Currency: "USD"}
	for _, l := range lines {
		b.Lines = append(b.Lines, promotion.BasketLine{SKU: l.sku, ProductID: l.prod, Quantity: l.qty,
			UnitPrice: usd(l.price), Total: usd(l.price * int64(l.qty))})
	}
	return b
}

func amounts(ms []commerce.Money) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Amount()
	}
	return out
}

func TestEvaluateMatchingLinesBySKUCategoryBrand(t *testing.T) {
	shoes, boots := commerce.NewID[commerce.CategoryID](), commerce.NewID[commerce.CategoryID]()
	acme := commerce.NewID[commerce.BrandID]()
	pShoe, pBoot, pHat, pGone := commerce.NewID[commerce.ProductID](), commerce.NewID[commerce.ProductID](), commerce.NewID[commerce.ProductID](), commerce.NewID[commerce.ProductID]()
	calls := 0
	products := promotion.ProductsFunc(func(_ context.Context, id commerce.ProductID) (promotion.ProductFacts, error) {
		calls++
		switch id {
		case pShoe:
			return promotion.ProductFacts{Categories: []commerce.CategoryID{shoes}}, nil
		case pBoot: // boots lie below shoes
			return promotion.ProductFacts{Categories: []commerce.CategoryID{boots, shoes}}, nil
		case pHat:
			return promotion.ProductFacts{BrandID: acme}, nil
		}
		return promotion.ProductFacts{}, commerce.Errorf(commerce.CodeNotFound, "no product")
	})
	e := newEnv(t, products)
	e.auto(promotion.Conditions{Categories: []commerce.CategoryID{shoes}, Brands: []commerce.BrandID{acme}, SKUs: []string{"sock"}},
		promotion.Action{Kind: promotion.ActionPercentOff, Target: promotion.TargetMatchingLines, BasisPoints: 1000})
	r := e.eval(bsk(
		ln{"shoe", pShoe, 1, 1000}, ln{"boot", pBoot, 1, 2000}, ln{"hat", pHat, 1, 3000},
		ln{"sock", "", 2, 500}, ln{"gone", pGone, 1, 4000}, ln{"shirt", "", 1, 5000},
	))
	require.Equal(t, []int64{100, 200, 300, 100, 0, 0}, amounts(r.LineDiscounts))
	require.Equal(t, usd(700), r.Discount)
	require.Equal(t, 4, calls, "each product asked once")

	// Without Products, categories and brands match nothing.
	e2 := newEnv(t, nil)
	e2.auto(promotion.Conditions{Categories: []commerce.CategoryID{shoes}},
		promotion.Action{Kind: promotion.ActionPercentOff, BasisPoints: 1000})
	require.Empty(t, e2.eval(bsk(ln{"shoe", pShoe, 1, 1000})).Applied)
}

func TestEvaluateConditions(t *testing.T) {
	e := newEnv(t, nil)
	off := promotion.Action{Kind: promotion.ActionAmountOff, Amount: usdp(100)}
	e.auto(promotion.Conditions{Audience: promotion.AudienceCustomers}, off)
	e.auto(promotion.Conditions{Audience: promotion.AudienceGuests}, off)
	e.auto(promotion.Conditions{FirstOrderOnly: true}, off)
	e.auto(promotion.Conditions{MinSubtotal: usdp(5000)}, off)

	guest := bsk(ln{"a", "", 1, 1000})
	require.Equal(t, usd(100), e.eval(guest).Discount, "the guests' promotion only")
	cust := guest
	cust.CustomerID = commerce.NewID[commerce.CustomerID]()
	require.Equal(t, usd(100), e.eval(cust).Discount, "the customers' promotion only")
	cust.FirstOrder = true
	require.Equal(t, usd(200), e.eval(cust).Discount, "and the first-order one")
	big := bsk(ln{"a", "", 5, 1000})
	require.Equal(t, usd(200), e.eval(big).Discount, "guests and the minimum subtotal (5000 >= 5000)")
	eur := promotion.Basket{Currency: "EUR", Lines: []promotion.BasketLine{{SKU: "a", Quantity: 1, UnitPrice: commerce.MustMoney(1000, "EUR"), Total: commerce.MustMoney(1000, "EUR")}}}
	require.Empty(t, e.eval(eur).Applied, "USD promotions do not apply to EUR baskets")
}

func TestEvaluateActions(t *testing.T) {
	t.Run("fixed price", func(t *testing.T) {
		e := newEnv(t, nil)
		e.auto(promotion.Conditions{SKUs: []string{"a", "c"}}, promotion.Action{Kind: promotion.ActionFixedPrice, Amount: usdp(500)})
		r := e.eval(bsk(ln{"a", "", 3, 800}, ln{"b", "", 1, 800}, ln{"c", "", 2, 300}))
		require.Equal(t, []int64{900, 0, 0}, amounts(r.LineDiscounts), "3 × 800 sold at 3 × 500; c is cheaper already")
	})
	t.Run("buy two get one free", func(t *testing.T) {
		e := newEnv(t, nil)
		e.auto(promotion.Conditions{}, promotion.Action{Kind: promotion.ActionBuyXGetY, BuyQuantity: 2, GetQuantity: 1, GetBasisPoints: 10000})
		r := e.eval(bsk(ln{"a", "", 4, 1000}, ln{"b", "", 3, 300}))
		// 7 units: 2 free, the cheapest ones (two b).
		require.Equal(t, []int64{0, 600}, amounts(r.LineDiscounts))
		r = e.eval(bsk(ln{"a", "", 2, 1000}))
		require.Empty(t, r.Applied, "2 units: none free yet")
	})
	t.Run("buy one get one half off", func(t *testing.T) {
		e := newEnv(t, nil)
		e.auto(promotion.Conditions{}, promotion.Action{Kind: promotion.ActionBuyXGetY, BuyQuantity: 1, GetQuantity: 1, GetBasisPoints: 5000})
		r := e.eval(bsk(ln{"a", "", 3, 999}))
		require.Equal(t, []int64{500}, amounts(r.LineDiscounts), "one unit of 999 at half, rounded half up")
	})
	t.Run("amount off the order never exceeds it", func(t *testing.T) {
		e := newEnv(t, nil)
		e.auto(promotion.Conditions{}, promotion.Action{Kind: promotion.ActionAmountOff, Amount: usdp(100000)})
		r := e.eval(bsk(ln{"a", "", 1, 1000}, ln{"b", "", 1, 0}, ln{"c", "", 2, 250}))
		require.Equal(t, []int64{1000, 0, 500}, amounts(r.LineDiscounts))
	})
	t.Run("percent splits exactly", func(t *testing.T) {
		e := newEnv(t, nil)
		e.auto(promotion.Conditions{}, promotion.Action{Kind: promotion.ActionPercentOff, BasisPoints: 1000})
		r := e.eval(bsk(ln{"a", "", 1, 333}, ln{"b", "", 1, 333}, ln{"c", "", 1, 334}))
		require.Equal(t, usd(100), r.Discount)
		require.Equal(t, []int64{33, 33, 34}, amounts(r.LineDiscounts))
	})
	t.Run("free shipping", func(t *testing.T) {
		e := newEnv(t, nil)
		e.auto(promotion.Conditions{}, promotion.Action{Kind: promotion.ActionFreeShipping})
		b := bsk(ln{"a", "", 1, 1000})
		r := e.eval(b)
		require.Empty(t, r.Applied, "no shipping known: nothing to take off")
		b.Shipping = usd(599)
		r = e.eval(b)
		require.Equal(t, usd(599), r.ShippingDiscount)
		require.Equal(t, usd(0), r.Discount)
	})
}

func TestEvaluateStackingExclusiveAutomatic(t *testing.T) {
	e := newEnv(t, nil)
	low := e.auto(promotion.Conditions{}, promotion.Action{Kind: promotion.ActionPercentOff, BasisPoints: 1000})
	p, err := e.svc.CreatePromotion(e.ctx, promotion.PromotionInput{Name: "vip", Trigger: promotion.TriggerAutomatic, Exclusive: true, Priority: 5,
		Conditions: promotion.Conditions{Currency: "USD"}, Actions: []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: 3000}}})
	require.NoError(t, err)
	r := e.eval(bsk(ln{"a", "", 1, 1000}))
	require.Len(t, r.Applied, 1)
	require.Equal(t, p.ID, r.Applied[0].PromotionID, "the exclusive one of higher priority alone")
	require.Equal(t, usd(300), r.Discount)
	_, err = e.svc.DeactivatePromotion(e.ctx, p.ID)
	require.NoError(t, err)
	r = e.eval(bsk(ln{"a", "", 1, 1000}))
	require.Equal(t, low.ID, r.Applied[0].PromotionID)
}
