package promotion_test

import (
	"context"
	"fmt"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// A code worth 10% off, limited to one use: the first checkout reserves
// and commits it, and the next basket sees it used up.
func Example() {
	ctx := context.Background()
	svc, err := promotion.NewService(memory.NewPromotionStore(nil), nil)
	if err != nil {
		panic(err)
	}
	p, err := svc.CreatePromotion(ctx, promotion.PromotionInput{
		Name: "10% off", Trigger: promotion.TriggerCode,
		Conditions: promotion.Conditions{Currency: "USD"},
		Actions:    []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: 1000}},
	})
	if err != nil {
		panic(err)
	}
	if _, err := svc.CreateCode(ctx, promotion.CodeInput{Code: "welcome10", PromotionID: p.ID, MaxUses: 1}); err != nil {
		panic(err)
	}

	price := commerce.MustMoney(1999, "USD")
	twice, _ := price.Mul(2)
	basket := promotion.Basket{
		Currency: "USD",
		Lines: []promotion.BasketLine{
			{SKU: "mug", Quantity: 2, UnitPrice: price, Total: twice},
			{SKU: "tea", Quantity: 1, UnitPrice: commerce.MustMoney(1002, "USD"), Total: commerce.MustMoney(1002, "USD")},
		},
		Codes: []string{"WELCOME10"},
	}
	res, err := svc.Evaluate(ctx, basket)
	if err != nil {
		panic(err)
	}
	fmt.Println("discount:", res.Discount, "lines:", res.LineDiscounts[0], res.LineDiscounts[1])

	order := commerce.NewID[commerce.OrderID]()
	if _, err := svc.Reserve(ctx, promotion.ReserveInput{OrderID: order, Email: "ada@example.com", Result: res}); err != nil {
		panic(err)
	}
	if err := svc.Commit(ctx, order); err != nil {
		panic(err)
	}

	again, err := svc.Evaluate(ctx, basket)
	if err != nil {
		panic(err)
	}
	fmt.Println("next basket:", again.Rejected[0].Reason, "-", again.Rejected[0].Message)
	// Output:
	// discount: 5.00 USD lines: 4.00 USD 1.00 USD
	// next basket: exhausted - Code WELCOME10 has been used up.
}

// A gift card pays part of an order: held at checkout, captured with the
// order, and part of it refunded later.
func ExampleService_HoldGiftCards() {
	ctx := context.Background()
	svc, err := promotion.NewService(memory.NewPromotionStore(nil), nil)
	if err != nil {
		panic(err)
	}
	card, err := svc.IssueGiftCard(ctx, promotion.GiftCardInput{Amount: commerce.MustMoney(5000, "USD")})
	if err != nil {
		panic(err)
	}
	order := commerce.NewID[commerce.OrderID]()
	if _, err := svc.HoldGiftCards(ctx, promotion.HoldInput{OrderID: order,
		Uses: []promotion.GiftCardUse{{Code: card.Code, Amount: commerce.MustMoney(3500, "USD")}}}); err != nil {
		panic(err)
	}
	if err := svc.CaptureGiftCards(ctx, order); err != nil {
		panic(err)
	}
	refunded, err := svc.RefundGiftCards(ctx, order, commerce.NewID[commerce.RefundID](), commerce.MustMoney(1000, "USD"))
	if err != nil {
		panic(err)
	}
	g, err := svc.GiftCardBalance(ctx, card.Code)
	if err != nil {
		panic(err)
	}
	fmt.Println("refunded:", refunded, "balance:", g.Balance)
	// Output: refunded: 10.00 USD balance: 25.00 USD
}

// A cart's totals evaluate the automatic promotions through a cache, so
// pricing a cart does not query the store every time; a promotion
// created through the cache shows at once.
func ExampleAutomaticCache() {
	ctx := context.Background()
	cache, err := promotion.NewAutomaticCache(memory.NewPromotionStore(nil), nil)
	if err != nil {
		panic(err)
	}
	forCarts, err := promotion.NewService(cache, nil)
	if err != nil {
		panic(err)
	}
	if _, err := forCarts.CreatePromotion(ctx, promotion.PromotionInput{
		Name: "Winter sale", Trigger: promotion.TriggerAutomatic,
		Conditions: promotion.Conditions{Currency: "USD"},
		Actions:    []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: 2000}},
	}); err != nil {
		panic(err)
	}
	price := commerce.MustMoney(5000, "USD")
	res, err := forCarts.Evaluate(ctx, promotion.Basket{
		Currency: "USD",
		Lines:    []promotion.BasketLine{{SKU: "scarf", Quantity: 1, UnitPrice: price, Total: price}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("discount:", res.Discount, "by", res.Applied[0].Name)
	// Output:
	// discount: 10.00 USD by Winter sale
}
