package promotiontest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// testReserveCommitRelease: a use is taken at Reserve, kept by Commit,
// given back by Release (also after Commit: a cancelled order).
func testReserveCommitRelease(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	budget := percentOff("ten", 1000)
	budget.Budget = usdp(100000)
	p := f.promotion(budget)
	f.code("TEN", p.ID, 3, 0)
	in := f.reserveInput("TEN", "", "", 1000, 2000)
	r, err := f.svc.Reserve(f.ctx, in)
	require.NoError(t, err)
	require.Equal(t, promotion.Redemption{
		OrderID: in.OrderID, Status: promotion.RedemptionReserved,
		Lines:     []promotion.RedemptionLine{{PromotionID: p.ID, Code: "TEN", Amount: usd(300)}},
		CreatedAt: epoch, UpdatedAt: epoch, ExpiresAt: epoch.Add(time.Hour),
	}, r)
	got, err := f.svc.GetRedemption(f.ctx, in.OrderID)
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.Equal(t, 1, f.getCode("TEN").Uses)
	require.Equal(t, usdp(300), f.getPromotion(p.ID).Spent)

	f.clock.Advance(time.Minute)
	require.NoError(t, f.svc.Commit(f.ctx, in.OrderID))
	require.NoError(t, f.svc.Commit(f.ctx, in.OrderID), "commit is idempotent")
	got, err = f.svc.GetRedemption(f.ctx, in.OrderID)
	require.NoError(t, err)
	require.Equal(t, promotion.RedemptionCommitted, got.Status)
	require.Equal(t, epoch.Add(time.Minute), got.UpdatedAt)
	require.Equal(t, 1, f.getCode("TEN").Uses, "a committed use still counts")
	require.Equal(t, usdp(300), f.getPromotion(p.ID).Spent)

	require.NoError(t, f.svc.Release(f.ctx, in.OrderID), "the order is cancelled")
	require.NoError(t, f.svc.Release(f.ctx, in.OrderID), "release is idempotent")
	require.Equal(t, 0, f.getCode("TEN").Uses, "the use is given back once")
	require.Equal(t, usdp(0), f.getPromotion(p.ID).Spent)
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Commit(f.ctx, in.OrderID), "a released redemption cannot be committed")

	// A released order's reserve returns it as it is, taking nothing.
	again, err := f.svc.Reserve(f.ctx, in)
	require.NoError(t, err)
	require.Equal(t, promotion.RedemptionReleased, again.Status)
	require.Equal(t, 0, f.getCode("TEN").Uses)

	// Orders that reserved nothing.
	none := commerce.NewID[commerce.OrderID]()
	require.NoError(t, f.svc.Release(f.ctx, none), "nothing to release")
	requireCode(t, commerce.CodeNotFound, f.svc.Commit(f.ctx, none))
	_, err = f.svc.GetRedemption(f.ctx, none)
	requireCode(t, commerce.CodeNotFound, err)
	empty, err := f.svc.Reserve(f.ctx, promotion.ReserveInput{OrderID: none, Result: f.evaluate(basket(nil, 100))})
	require.NoError(t, err)
	require.Equal(t, promotion.Redemption{}, empty, "nothing applied, nothing reserved")
	_, err = f.svc.GetRedemption(f.ctx, none)
	requireCode(t, commerce.CodeNotFound, err)

	// Automatic promotions are redeemed too (they may have a budget).
	auto := percentOff("auto", 500)
	auto.Trigger, auto.Budget = promotion.TriggerAutomatic, usdp(1000)
	a := f.promotion(auto)
	r2 := f.evaluate(basket(nil, 2000))
	require.Len(t, r2.Applied, 1)
	ar, err := f.svc.Reserve(f.ctx, promotion.ReserveInput{OrderID: commerce.NewID[commerce.OrderID](), Result: r2})
	require.NoError(t, err)
	require.Equal(t, []promotion.RedemptionLine{{PromotionID: a.ID, Amount: usd(100)}}, ar.Lines)
	require.Equal(t, epoch.Add(time.Minute+promotion.DefaultTTL), ar.ExpiresAt, "TTL 0 is the default")
	require.Equal(t, usdp(100), f.getPromotion(a.ID).Spent)
}

// testReserveIdempotent: the same order reserves once; another result for
// it is a Conflict.
func testReserveIdempotent(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("TEN", p.ID, 0, 0)
	q := f.promotion(percentOff("twenty", 2000))
	f.code("TWENTY", q.ID, 0, 0)
	in := f.reserveInput("TEN", "", "", 1000)
	first, err := f.svc.Reserve(f.ctx, in)
	require.NoError(t, err)
	f.clock.Advance(time.Minute)
	second, err := f.svc.Reserve(f.ctx, in)
	require.NoError(t, err)
	require.Equal(t, first, second, "the existing redemption, unchanged")
	require.Equal(t, 1, f.getCode("TEN").Uses, "one use for one order")

	other := f.reserveInput("TWENTY", "", "", 1000)
	other.OrderID = in.OrderID
	_, err = f.svc.Reserve(f.ctx, other)
	requireCode(t, commerce.CodeConflict, err)
	require.Equal(t, 0, f.getCode("TWENTY").Uses)
}

// testReserveRefused: what no longer stands, and bad input.
func testReserveRefused(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("TEN", p.ID, 0, 0)
	in := f.reserveInput("TEN", "", "", 1000)

	_, err := f.svc.DeactivateCode(f.ctx, "TEN")
	require.NoError(t, err)
	_, err = f.svc.Reserve(f.ctx, in)
	requireCode(t, commerce.CodeFailedPrecondition, err, "a code deactivated since evaluation")
	requireDetail(t, err, "code", "TEN")
	requireDetail(t, err, "reason", "inactive")
	_, err = f.svc.GetRedemption(f.ctx, in.OrderID)
	requireCode(t, commerce.CodeNotFound, err, "nothing reserved")

	end := epoch.Add(time.Minute)
	q := percentOff("short", 1000)
	q.EndsAt = &end
	qp := f.promotion(q)
	f.code("SHORT", qp.ID, 0, 0)
	in2 := f.reserveInput("SHORT", "", "", 1000)
	f.clock.Advance(2 * time.Minute)
	_, err = f.svc.Reserve(f.ctx, in2)
	requireCode(t, commerce.CodeFailedPrecondition, err, "expired since evaluation")
	requireDetail(t, err, "reason", "expired")

	// A result naming a code of another promotion is refused.
	forged := in2
	forged.OrderID = commerce.NewID[commerce.OrderID]()
	forged.Result.Applied = append([]promotion.Applied(nil), in2.Result.Applied...)
	forged.Result.Applied[0].PromotionID = p.ID
	_, err = f.svc.Reserve(f.ctx, forged)
	requireCode(t, commerce.CodeFailedPrecondition, err)

	two := f.promotion(percentOff("two", 200))
	f.code("TWO", two.ID, 0, 0)
	bad := []struct {
		field string
		edit  func(*promotion.ReserveInput)
	}{
		{"order_id", func(in *promotion.ReserveInput) { in.OrderID = "ord_bad" }},
		{"ttl", func(in *promotion.ReserveInput) { in.TTL = -time.Second }},
		{"customer_id", func(in *promotion.ReserveInput) { in.CustomerID = "cus_x" }},
		{"email", func(in *promotion.ReserveInput) { in.Email = "not-an-email" }},
		{"result.applied[0].discount", func(in *promotion.ReserveInput) { in.Result.Applied[0].Discount = usd(-5) }},
		{"result.applied[0].discount", func(in *promotion.ReserveInput) {
			in.Result.Applied[0].Discount = commerce.MustMoney(5, "EUR")
		}},
		{"result.applied[1].promotion_id", func(in *promotion.ReserveInput) {
			in.Result.Applied = append(in.Result.Applied, in.Result.Applied[0])
		}},
		{"result.applied[0].code", func(in *promotion.ReserveInput) { in.Result.Applied[0].Code = "x" }},
	}
	for _, c := range bad {
		in := f.reserveInput("TWO", "", "", 1000)
		c.edit(&in)
		_, err := f.svc.Reserve(f.ctx, in)
		requireCode(t, commerce.CodeInvalidArgument, err, c.field)
		requireDetail(t, err, "field", c.field)
	}
	require.Equal(t, 0, f.getCode("TWO").Uses, "no bad input took a use")
}

// testPerCustomerLimit: customers by ID, guests by normalized email.
func testPerCustomerLimit(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("welcome", 1000))
	f.code("WELCOME", p.ID, 0, 1)
	alice := commerce.NewID[commerce.CustomerID]()

	_, err := f.svc.Reserve(f.ctx, f.reserveInput("WELCOME", alice, "", 1000))
	require.NoError(t, err)
	r := f.evaluate(promotion.Basket{Currency: "USD", CustomerID: alice, Codes: []string{"WELCOME"}, Lines: basket(nil, 1000).Lines})
	require.Equal(t, promotion.ReasonExhausted, r.Rejected[0].Reason, "evaluation sees alice's use")
	in := f.reserveInput("WELCOME", "", "", 1000)
	in.CustomerID = alice
	_, err = f.svc.Reserve(f.ctx, in)
	requireCode(t, commerce.CodeFailedPrecondition, err)
	requireDetail(t, err, "reason", "exhausted")
	requireDetail(t, err, "code", "WELCOME")

	_, err = f.svc.Reserve(f.ctx, f.reserveInput("WELCOME", "", "Guest@Example.com ", 1000))
	require.NoError(t, err)
	_, err = f.svc.Reserve(f.ctx, f.reserveInput("WELCOME", "", "guest@example.com", 1000))
	requireCode(t, commerce.CodeFailedPrecondition, err, "the same guest, normalized")
	r = f.evaluate(promotion.Basket{Currency: "USD", Email: "GUEST@example.com", Codes: []string{"WELCOME"}, Lines: basket(nil, 1000).Lines})
	require.Equal(t, promotion.ReasonExhausted, r.Rejected[0].Reason, "evaluation sees the guest's use by email")
	_, err = f.svc.Reserve(f.ctx, f.reserveInput("WELCOME", "", "", 1000))
	requireCode(t, commerce.CodeInvalidArgument, err, "a per-customer code needs someone to count")
	requireDetail(t, err, "field", "email")

	// Releasing gives the customer's use back.
	in.OrderID = commerce.NewID[commerce.OrderID]()
	bob := commerce.NewID[commerce.CustomerID]()
	in.CustomerID = bob
	_, err = f.svc.Reserve(f.ctx, in)
	require.NoError(t, err)
	require.NoError(t, f.svc.Release(f.ctx, in.OrderID))
	in.OrderID = commerce.NewID[commerce.OrderID]()
	_, err = f.svc.Reserve(f.ctx, in)
	require.NoError(t, err, "bob's released use is his again")
	require.Equal(t, 3, f.getCode("WELCOME").Uses, "alice, the guest, bob")
}

// testBudget: a redemption that would overdraw the budget is refused;
// released discounts return to it.
func testBudget(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	in := promotion.PromotionInput{Name: "3 off", Trigger: promotion.TriggerCode, Budget: usdp(1000),
		Conditions: promotion.Conditions{Currency: "USD"},
		Actions:    []promotion.Action{{Kind: promotion.ActionAmountOff, Amount: usdp(300)}}}
	p := f.promotion(in)
	f.code("THREE", p.ID, 0, 0)
	var orders []commerce.OrderID
	for range 3 {
		ri := f.reserveInput("THREE", "", "", 1000)
		_, err := f.svc.Reserve(f.ctx, ri)
		require.NoError(t, err)
		orders = append(orders, ri.OrderID)
	}
	require.Equal(t, usdp(900), f.getPromotion(p.ID).Spent)
	_, err := f.svc.Reserve(f.ctx, f.reserveInput("THREE", "", "", 1000))
	requireCode(t, commerce.CodeFailedPrecondition, err, "300 more would pass 1000")
	requireDetail(t, err, "reason", "budget")
	requireDetail(t, err, "promotion_id", p.ID.String())
	require.NoError(t, f.svc.Release(f.ctx, orders[0]))
	require.Equal(t, usdp(600), f.getPromotion(p.ID).Spent)
	_, err = f.svc.Reserve(f.ctx, f.reserveInput("THREE", "", "", 1000))
	require.NoError(t, err)
	require.Equal(t, usdp(900), f.getPromotion(p.ID).Spent)

	// A spent budget shows in evaluation.
	in.Budget = usdp(900)
	_, err = f.svc.UpdatePromotion(f.ctx, p.ID, 0, in)
	require.NoError(t, err)
	r := f.evaluate(basket([]string{"THREE"}, 1000))
	require.Empty(t, r.Applied)
	require.Equal(t, promotion.ReasonBudget, r.Rejected[0].Reason)
}

// testExpiry: a reservation nobody commits is released by the sweep,
// and can no longer be committed once due.
func testExpiry(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("TEN", p.ID, 2, 0)
	short := f.reserveInput("TEN", "", "", 1000)
	short.TTL = time.Minute
	_, err := f.svc.Reserve(f.ctx, short)
	require.NoError(t, err)
	long := f.reserveInput("TEN", "", "", 1000)
	_, err = f.svc.Reserve(f.ctx, long)
	require.NoError(t, err)

	n, err := f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is due yet")
	f.clock.Advance(time.Minute)
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.Commit(f.ctx, short.OrderID), "due, even unswept")
	n, err = f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	r, err := f.svc.GetRedemption(f.ctx, short.OrderID)
	require.NoError(t, err)
	require.Equal(t, promotion.RedemptionReleased, r.Status)
	require.Equal(t, 1, f.getCode("TEN").Uses, "the expired use is back")
	n, err = f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "released once")

	require.NoError(t, f.svc.Commit(f.ctx, long.OrderID))
	f.clock.Advance(2 * time.Hour)
	n, err = f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	require.Zero(t, n, "committed redemptions never expire")
	require.Equal(t, 1, f.getCode("TEN").Uses)
}

// testCancelled: a write whose context has ended takes nothing.
func testCancelled(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	f.code("TEN", p.ID, 1, 0)
	in := f.reserveInput("TEN", "", "", 1000)
	g := f.issue(1000)
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err := f.svc.Reserve(ctx, in)
	requireCode(t, commerce.CodeUnavailable, err)
	_, err = f.svc.HoldGiftCards(ctx, promotion.HoldInput{OrderID: in.OrderID, Uses: []promotion.GiftCardUse{use(g.Code, 100)}})
	requireCode(t, commerce.CodeUnavailable, err)
	require.Equal(t, 0, f.getCode("TEN").Uses)
	require.Equal(t, int64(1000), f.balance(g.GiftCard.ID))
	_, err = f.svc.GetRedemption(f.ctx, in.OrderID)
	requireCode(t, commerce.CodeNotFound, err)
	// The retry with a live context goes through.
	_, err = f.svc.Reserve(f.ctx, in)
	require.NoError(t, err)
	require.Equal(t, 1, f.getCode("TEN").Uses)
}
