package promotion_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// randomAction returns any valid USD action.
func randomAction(rng *rand.Rand) promotion.Action {
	target := promotion.TargetOrder
	if rng.IntN(2) == 0 {
		target = promotion.TargetMatchingLines
	}
	switch rng.IntN(5) {
	case 0:
		return promotion.Action{Kind: promotion.ActionPercentOff, Target: target, BasisPoints: 1 + rng.Int64N(promotion.MaxBasisPoints)}
	case 1:
		return promotion.Action{Kind: promotion.ActionAmountOff, Target: target, Amount: usdp(1 + rng.Int64N(200000))}
	case 2:
		return promotion.Action{Kind: promotion.ActionFixedPrice, Amount: usdp(rng.Int64N(20000))}
	case 3:
		return promotion.Action{Kind: promotion.ActionFreeShipping}
	}
	return promotion.Action{Kind: promotion.ActionBuyXGetY, BuyQuantity: 1 + rng.IntN(4), GetQuantity: 1 + rng.IntN(3), GetBasisPoints: 1 + rng.Int64N(promotion.MaxBasisPoints)}
}

// TestEvaluateProperties evaluates random baskets against random stacks of
// promotions (fixed seeds, so a failure replays) and checks what must
// always hold: no line and no order is discounted below zero, every
// promotion's shares sum exactly to its discount, the lines' discounts sum
// exactly to the order's, and shipping is never discounted past its
// charge.
func TestEvaluateProperties(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 2030))
			e := newEnv(t, nil)
			skus := []string{"a", "b", "c", "d", "e"}
			for range 1 + rng.IntN(5) {
				var conds promotion.Conditions
				if rng.IntN(2) == 0 {
					conds.SKUs = []string{skus[rng.IntN(len(skus))], skus[rng.IntN(len(skus))]}
				}
				actions := make([]promotion.Action, 1+rng.IntN(3))
				for i := range actions {
					actions[i] = randomAction(rng)
				}
				_, err := e.svc.CreatePromotion(e.ctx, promotion.PromotionInput{
					Name: "random", Trigger: promotion.TriggerAutomatic, Conditions: promotion.Conditions{Currency: "USD", SKUs: conds.SKUs},
					Actions: actions, Exclusive: rng.IntN(4) == 0, Priority: rng.IntN(5),
				})
				require.NoError(t, err)
			}
			for range 25 {
				b := promotion.Basket{Currency: "USD", Shipping: usd(rng.Int64N(2000))}
				var subtotal int64
				for range 1 + rng.IntN(8) {
					q, price := 1+rng.IntN(6), rng.Int64N(50000)
					if rng.IntN(10) == 0 {
						price = 0
					}
					b.Lines = append(b.Lines, promotion.BasketLine{SKU: skus[rng.IntN(len(skus))], Quantity: q, UnitPrice: usd(price), Total: usd(price * int64(q))})
					subtotal += price * int64(q)
				}
				r := e.eval(b)
				require.Len(t, r.LineDiscounts, len(b.Lines))
				var sum int64
				perLine := make([]int64, len(b.Lines))
				for _, a := range r.Applied {
					require.Len(t, a.LineDiscounts, len(b.Lines))
					var own int64
					for i, d := range a.LineDiscounts {
						require.False(t, d.IsNegative(), "a share is never negative")
						own += d.Amount()
						perLine[i] += d.Amount()
					}
					require.Equal(t, a.Discount.Amount(), own, "a promotion's shares sum to its discount exactly")
					require.True(t, a.Discount.IsPositive() || a.ShippingDiscount.IsPositive(), "applied promotions discount something")
				}
				for i, d := range r.LineDiscounts {
					require.GreaterOrEqual(t, d.Amount(), int64(0))
					require.LessOrEqual(t, d.Amount(), b.Lines[i].Total.Amount(), "a line is never discounted below zero")
					require.Equal(t, perLine[i], d.Amount(), "a line's discount is the sum of the promotions' shares")
					sum += d.Amount()
				}
				require.Equal(t, r.Discount.Amount(), sum, "the lines' discounts sum to the order's exactly")
				require.LessOrEqual(t, r.Discount.Amount(), subtotal, "the order is never negative")
				require.GreaterOrEqual(t, r.ShippingDiscount.Amount(), int64(0))
				require.LessOrEqual(t, r.ShippingDiscount.Amount(), b.Shipping.Amount())
			}
		})
	}
}

// FuzzEvaluate: whatever the basket, Evaluate never panics, and either
// refuses it as InvalidArgument or keeps every line within its total.
func FuzzEvaluate(f *testing.F) {
	f.Add(int64(1000), 2, int64(500), 3, int64(99), uint16(1000), "SAVE")
	f.Add(int64(0), 1, int64(-1), 0, int64(0), uint16(10000), "")
	f.Add(int64(1<<62), 4, int64(1<<61), 2, int64(1), uint16(1), "x y")
	f.Fuzz(func(t *testing.T, p1 int64, q1 int, p2 int64, q2 int, ship int64, bp uint16, code string) {
		e := newEnv(t, nil)
		_, err := e.svc.CreatePromotion(e.ctx, promotion.PromotionInput{Name: "f", Trigger: promotion.TriggerAutomatic,
			Conditions: promotion.Conditions{Currency: "USD"},
			Actions:    []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: int64(bp)}, {Kind: promotion.ActionBuyXGetY, BuyQuantity: 1, GetQuantity: 1, GetBasisPoints: 5000}}})
		if int64(bp) < 1 || int64(bp) > promotion.MaxBasisPoints {
			if commerce.Code(err) != commerce.CodeInvalidArgument {
				t.Fatalf("basis points %d: %v", bp, err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		line := func(p int64, q int) promotion.BasketLine {
			total, err := commerce.MustMoney(p, "USD").Mul(int64(q))
			if err != nil {
				total = usd(0)
			}
			return promotion.BasketLine{SKU: "s", Quantity: q, UnitPrice: usd(p), Total: total}
		}
		b := promotion.Basket{Currency: "USD", Lines: []promotion.BasketLine{line(p1, q1), line(p2, q2)}, Shipping: usd(ship), Codes: []string{code}}
		r, err := e.svc.Evaluate(e.ctx, b)
		if err != nil {
			if commerce.Code(err) != commerce.CodeInvalidArgument {
				t.Fatalf("evaluate: %v", err)
			}
			return
		}
		var sum int64
		for i, d := range r.LineDiscounts {
			if d.IsNegative() || d.Amount() > b.Lines[i].Total.Amount() {
				t.Fatalf("line %d: discount %s of %s", i, d, b.Lines[i].Total)
			}
			sum += d.Amount()
		}
		if sum != r.Discount.Amount() {
			t.Fatalf("lines sum to %d, discount %s", sum, r.Discount)
		}
	})
}
