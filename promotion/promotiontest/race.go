package promotiontest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// race runs n calls of fn released together from one closed channel and
// returns their errors, in call order. fn runs off the test goroutine: it
// reports only through its error.
func race(n int, fn func(i int) error) []error {
	start := make(chan struct{})
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// tally counts nil errors and errors of code want, and fails the test on
// any other.
func tally(t *testing.T, errs []error, want commerce.ErrorCode, reason string) (won, lost int) {
	t.Helper()
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case commerce.Code(err) == want:
			var ce *commerce.Error
			require.ErrorAs(t, err, &ce)
			if reason != "" {
				require.Equal(t, reason, ce.Details["reason"], "a clear reason: %v", err)
			}
			lost++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	return won, lost
}

// testRaceCodeUses: fifty checkouts against a code limited to ten uses
// redeem exactly ten; the rest learn the code is used up.
func testRaceCodeUses(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("LIMITED", p.ID, 10, 0)
	const buyers = 50
	inputs := make([]promotion.ReserveInput, buyers)
	for i := range inputs {
		inputs[i] = f.reserveInput("LIMITED", "", "", 1000)
	}
	errs := race(buyers, func(i int) error {
		_, err := f.svc.Reserve(f.ctx, inputs[i])
		return err
	})
	won, lost := tally(t, errs, commerce.CodeFailedPrecondition, "exhausted")
	require.Equal(t, 10, won)
	require.Equal(t, 40, lost)
	require.Equal(t, 10, f.getCode("LIMITED").Uses)
	for i, err := range errs {
		_, gerr := f.svc.GetRedemption(f.ctx, inputs[i].OrderID)
		if err == nil {
			require.NoError(t, gerr)
		} else {
			requireCode(t, commerce.CodeNotFound, gerr, "a refused checkout keeps nothing")
		}
	}

	// Half the winners fail their checkout and release: exactly that
	// many of a new wave win.
	released := 0
	for i, err := range errs {
		if err == nil && released < 5 {
			require.NoError(t, f.svc.Release(f.ctx, inputs[i].OrderID))
			released++
		}
	}
	for i := range inputs {
		inputs[i].OrderID = commerce.NewID[commerce.OrderID]()
	}
	errs = race(buyers, func(i int) error {
		_, err := f.svc.Reserve(f.ctx, inputs[i])
		return err
	})
	won, _ = tally(t, errs, commerce.CodeFailedPrecondition, "exhausted")
	require.Equal(t, 5, won)
	require.Equal(t, 10, f.getCode("LIMITED").Uses)
}

// testRaceBudget: concurrent checkouts never spend more than the budget.
func testRaceBudget(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	in := promotion.PromotionInput{Name: "20%", Trigger: promotion.TriggerCode, Budget: usdp(10000),
		Conditions: promotion.Conditions{Currency: "USD"},
		Actions:    []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: 2000}}}
	p := f.promotion(in)
	f.code("CAMPAIGN", p.ID, 0, 0)
	const buyers = 40
	inputs := make([]promotion.ReserveInput, buyers)
	var want int64
	for i := range inputs {
		// Discounts of 300 to 1460: no fixed number of them fits.
		inputs[i] = f.reserveInput("CAMPAIGN", "", "", int64(1500+i*200))
		want += inputs[i].Result.Discount.Amount()
	}
	require.Greater(t, want, int64(10000), "the buyers want more than the budget")
	errs := race(buyers, func(i int) error {
		_, err := f.svc.Reserve(f.ctx, inputs[i])
		return err
	})
	won, lost := tally(t, errs, commerce.CodeFailedPrecondition, "budget")
	require.Positive(t, won)
	require.Positive(t, lost)
	var spent int64
	for i, err := range errs {
		if err == nil {
			spent += inputs[i].Result.Discount.Amount()
		}
	}
	require.LessOrEqual(t, spent, int64(10000), "the budget is never exceeded")
	require.Equal(t, usdp(spent), f.getPromotion(p.ID).Spent, "spent is what the winners reserved")
	// Every loser was refused for a reason: its discount would not fit.
	for i, err := range errs {
		if err != nil {
			require.Greater(t, inputs[i].Result.Discount.Amount(), int64(10000)-spent, "buyer %d was refused though it fitted", i)
		}
	}
}

// testRacePerCustomer: one customer checking out in many tabs uses a
// once-per-customer code once.
func testRacePerCustomer(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("welcome", 1000))
	f.code("ONCEEACH", p.ID, 0, 1)
	alice := commerce.NewID[commerce.CustomerID]()
	const tabs = 20
	inputs := make([]promotion.ReserveInput, tabs)
	for i := range inputs {
		if i%2 == 0 {
			inputs[i] = f.reserveInput("ONCEEACH", alice, "", 1000)
		} else {
			inputs[i] = f.reserveInput("ONCEEACH", "", fmt.Sprintf("Guest@Example.COM%s", ""), 1000)
		}
	}
	errs := race(tabs, func(i int) error {
		_, err := f.svc.Reserve(f.ctx, inputs[i])
		return err
	})
	won, lost := tally(t, errs, commerce.CodeFailedPrecondition, "exhausted")
	require.Equal(t, 2, won, "alice once, the guest once")
	require.Equal(t, tabs-2, lost)
	require.Equal(t, 2, f.getCode("ONCEEACH").Uses)
}

// testRaceSameOrder: one order reserved and held from many goroutines
// (retries racing) takes one use and one debit.
func testRaceSameOrder(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("TEN", p.ID, 0, 0)
	in := f.reserveInput("TEN", "", "", 1000)
	errs := race(20, func(int) error {
		_, err := f.svc.Reserve(f.ctx, in)
		return err
	})
	won, _ := tally(t, errs, "", "")
	require.Equal(t, 20, won, "every retry succeeds")
	require.Equal(t, 1, f.getCode("TEN").Uses)

	g := f.issue(1000)
	hold := promotion.HoldInput{OrderID: in.OrderID, Uses: []promotion.GiftCardUse{use(g.Code, 600)}}
	errs = race(20, func(int) error {
		_, err := f.svc.HoldGiftCards(f.ctx, hold)
		return err
	})
	won, _ = tally(t, errs, "", "")
	require.Equal(t, 20, won)
	require.Equal(t, int64(400), f.balance(g.GiftCard.ID), "held once")

	errs = race(20, func(i int) error {
		if i%2 == 0 {
			return f.svc.Commit(f.ctx, in.OrderID)
		}
		return f.svc.CaptureGiftCards(f.ctx, in.OrderID)
	})
	won, _ = tally(t, errs, "", "")
	require.Equal(t, 20, won)
	errs = race(20, func(i int) error {
		if i%2 == 0 {
			return f.svc.Release(f.ctx, in.OrderID)
		}
		return f.svc.ReleaseGiftCards(f.ctx, in.OrderID)
	})
	won, _ = tally(t, errs, "", "")
	require.Equal(t, 20, won)
	require.Equal(t, 0, f.getCode("TEN").Uses, "released once")
	require.Equal(t, int64(1000), f.balance(g.GiftCard.ID), "credited once")
}

// testRaceReleaseReserve: releases, sweeps and reserves interleaved keep
// the count of uses equal to the redemptions that count.
func testRaceReleaseReserve(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("MIXED", p.ID, 15, 0)
	const n = 30
	first := make([]promotion.ReserveInput, n)
	for i := range first {
		first[i] = f.reserveInput("MIXED", "", "", 1000)
		if i%3 == 0 {
			first[i].TTL = time.Minute
		}
	}
	for i := range 15 {
		_, err := f.svc.Reserve(f.ctx, first[i])
		require.NoError(t, err)
	}
	f.clock.Advance(time.Minute) // reservations 0, 3, ..., 12 are due
	errs := race(n, func(i int) error {
		switch {
		case i < 15 && i%3 == 1:
			return f.svc.Release(f.ctx, first[i].OrderID)
		case i < 15 && i%3 == 2:
			return f.svc.Commit(f.ctx, first[i].OrderID)
		case i == 15:
			_, err := f.svc.ReleaseExpired(f.ctx)
			return err
		case i >= 16:
			_, err := f.svc.Reserve(f.ctx, first[i])
			return err
		}
		return nil
	})
	for i, err := range errs {
		if err != nil && !(i >= 16 && commerce.Code(err) == commerce.CodeFailedPrecondition) {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	_, err := f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	counted := 0
	for _, in := range first {
		r, err := f.svc.GetRedemption(f.ctx, in.OrderID)
		if commerce.Code(err) == commerce.CodeNotFound {
			continue
		}
		require.NoError(t, err)
		if r.Status.Counts() {
			counted++
		}
	}
	require.Equal(t, counted, f.getCode("MIXED").Uses, "uses are the redemptions that count")
	require.LessOrEqual(t, counted, 15)
}

// testRaceGiftCard: concurrent checkouts never overdraw a card.
func testRaceGiftCard(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	g := f.issue(10000)
	const buyers = 50
	orders := make([]commerce.OrderID, buyers)
	for i := range orders {
		orders[i] = commerce.NewID[commerce.OrderID]()
	}
	errs := race(buyers, func(i int) error {
		_, err := f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: orders[i], Uses: []promotion.GiftCardUse{use(g.Code, 700)}})
		return err
	})
	won, lost := tally(t, errs, commerce.CodeFailedPrecondition, "insufficient_balance")
	require.Equal(t, 14, won, "14 × 700 fit in 10000")
	require.Equal(t, buyers-14, lost)
	require.Equal(t, int64(200), f.balance(g.GiftCard.ID))

	// Captures, releases and refunds racing keep the books balanced.
	var winners []commerce.OrderID
	for i, err := range errs {
		if err == nil {
			winners = append(winners, orders[i])
		}
	}
	for _, o := range winners[:7] {
		require.NoError(t, f.svc.CaptureGiftCards(f.ctx, o))
	}
	errs = race(len(winners), func(i int) error {
		if i < 7 {
			_, err := f.svc.RefundGiftCards(f.ctx, winners[i], commerce.NewID[commerce.RefundID](), usd(300))
			return err
		}
		return f.svc.ReleaseGiftCards(f.ctx, winners[i])
	})
	won, _ = tally(t, errs, "", "")
	require.Equal(t, len(winners), won)
	require.Equal(t, int64(200+7*300+7*700), f.balance(g.GiftCard.ID))
}

// testRaceGiftCardsCrossed: checkouts paying with two cards in opposite
// orders neither deadlock nor overdraw.
func testRaceGiftCardsCrossed(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	a, b := f.issue(5000), f.issue(5000)
	const buyers = 30
	errs := race(buyers, func(i int) error {
		uses := []promotion.GiftCardUse{use(a.Code, 400), use(b.Code, 400)}
		if i%2 == 1 {
			uses[0], uses[1] = uses[1], uses[0]
		}
		_, err := f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: commerce.NewID[commerce.OrderID](), Uses: uses})
		return err
	})
	won, lost := tally(t, errs, commerce.CodeFailedPrecondition, "insufficient_balance")
	require.Equal(t, 12, won, "12 × 400 fit in 5000 on each card")
	require.Equal(t, buyers-12, lost)
	require.Equal(t, int64(200), f.balance(a.GiftCard.ID))
	require.Equal(t, int64(200), f.balance(b.GiftCard.ID))
}
