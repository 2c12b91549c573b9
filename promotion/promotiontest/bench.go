package promotiontest

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// Bench runs the promotion benchmarks against a store made by newStore,
// so every adapter measures the same work:
//
//   - Evaluate: a five-line basket facing two automatic promotions and a
//     code (reads only);
//   - Evaluate/no-code: the same basket without the code;
//   - ReserveCommit: Reserve then Commit of an order using a code with a
//     use limit and a budget, one order (and one guest) after another;
//   - ReserveCommit/parallel: the same from GOMAXPROCS goroutines, every
//     order on the same code (the hot row);
//   - GiftCardHoldCapture: HoldGiftCards then CaptureGiftCards of a small
//     amount on one card.
func Bench(b *testing.B, newStore func(testing.TB) promotion.Store) {
	ctx := context.Background()
	store := newStore(b)
	svc, err := promotion.NewService(store, &promotion.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range []promotion.PromotionInput{
		{Name: "auto 5%", Trigger: promotion.TriggerAutomatic, Conditions: promotion.Conditions{Currency: "USD"},
			Actions: []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: 500}}},
		{Name: "ship", Trigger: promotion.TriggerAutomatic, Conditions: promotion.Conditions{Currency: "USD", MinSubtotal: usdp(5000)},
			Actions: []promotion.Action{{Kind: promotion.ActionFreeShipping}}},
	} {
		if _, err := svc.CreatePromotion(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	p, err := svc.CreatePromotion(ctx, promotion.PromotionInput{Name: "10 off", Trigger: promotion.TriggerCode,
		Budget: usdp(1 << 50), Conditions: promotion.Conditions{Currency: "USD"},
		Actions: []promotion.Action{{Kind: promotion.ActionAmountOff, Amount: usdp(1000)}}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.CreateCode(ctx, promotion.CodeInput{Code: "BENCH", PromotionID: p.ID, MaxUses: promotion.MaxUses}); err != nil {
		b.Fatal(err)
	}
	basketWith := func(codes ...string) promotion.Basket {
		bk := basket(codes, 1999, 2500, 999, 15000, 4200)
		bk.Shipping = usd(595)
		return bk
	}
	b.Run("Evaluate", func(b *testing.B) {
		bk := basketWith("BENCH")
		b.ReportAllocs()
		for b.Loop() {
			r, err := svc.Evaluate(ctx, bk)
			if err != nil || len(r.Applied) != 3 {
				b.Fatalf("%d applied, %v", len(r.Applied), err)
			}
		}
	})
	b.Run("Evaluate/no-code", func(b *testing.B) {
		bk := basketWith()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := svc.Evaluate(ctx, bk); err != nil {
				b.Fatal(err)
			}
		}
	})
	res, err := svc.Evaluate(ctx, basketWith("BENCH"))
	if err != nil {
		b.Fatal(err)
	}
	reserveCommit := func() error {
		order := commerce.NewID[commerce.OrderID]()
		if _, err := svc.Reserve(ctx, promotion.ReserveInput{OrderID: order, Email: strings.ToLower(order.String()) + "@example.com", Result: res, TTL: time.Hour}); err != nil {
			return err
		}
		return svc.Commit(ctx, order)
	}
	b.Run("ReserveCommit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := reserveCommit(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ReserveCommit/parallel", func(b *testing.B) {
		b.ReportAllocs()
		errs := make(chan error, 1)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := reserveCommit(); err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		})
		close(errs)
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	})
	card, err := svc.IssueGiftCard(ctx, promotion.GiftCardInput{Amount: usd(promotion.MaxGiftCardAmount)})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("GiftCardHoldCapture", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			order := commerce.NewID[commerce.OrderID]()
			if _, err := svc.HoldGiftCards(ctx, promotion.HoldInput{OrderID: order, Uses: []promotion.GiftCardUse{use(card.Code, 1)}}); err != nil {
				b.Fatal(err)
			}
			if err := svc.CaptureGiftCards(ctx, order); err != nil {
				b.Fatal(err)
			}
		}
	})
}
