package promotiontest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// Run runs the suite against stores made by newStore, which must return
// a fresh, empty store each call.
func Run(t *testing.T, newStore func(t testing.TB) promotion.Store) {
	if newStore == nil {
		t.Fatal("promotiontest: newStore is required")
	}
	t.Run("Promotions", func(t *testing.T) { testPromotions(t, newStore) })
	t.Run("PromotionValidation", func(t *testing.T) { testPromotionValidation(t, newStore) })
	t.Run("Codes", func(t *testing.T) { testCodes(t, newStore) })
	t.Run("Lists", func(t *testing.T) { testLists(t, newStore) })
	t.Run("Evaluate", func(t *testing.T) { testEvaluate(t, newStore) })
	t.Run("RejectedCodes", func(t *testing.T) { testRejectedCodes(t, newStore) })
	t.Run("ReserveCommitRelease", func(t *testing.T) { testReserveCommitRelease(t, newStore) })
	t.Run("ReserveIdempotent", func(t *testing.T) { testReserveIdempotent(t, newStore) })
	t.Run("ReserveRefused", func(t *testing.T) { testReserveRefused(t, newStore) })
	t.Run("PerCustomerLimit", func(t *testing.T) { testPerCustomerLimit(t, newStore) })
	t.Run("Budget", func(t *testing.T) { testBudget(t, newStore) })
	t.Run("Expiry", func(t *testing.T) { testExpiry(t, newStore) })
	t.Run("Cancelled", func(t *testing.T) { testCancelled(t, newStore) })
	t.Run("GiftCards", func(t *testing.T) { testGiftCards(t, newStore) })
	t.Run("GiftCardHoldAllOrNothing", func(t *testing.T) { testGiftCardAllOrNothing(t, newStore) })
	t.Run("GiftCardSaga", func(t *testing.T) { testGiftCardSaga(t, newStore) })
	t.Run("GiftCardRefunds", func(t *testing.T) { testGiftCardRefunds(t, newStore) })
	t.Run("GiftCardExpiry", func(t *testing.T) { testGiftCardExpiry(t, newStore) })
	t.Run("RaceCodeUses", func(t *testing.T) { testRaceCodeUses(t, newStore) })
	t.Run("RaceBudget", func(t *testing.T) { testRaceBudget(t, newStore) })
	t.Run("RacePerCustomer", func(t *testing.T) { testRacePerCustomer(t, newStore) })
	t.Run("RaceSameOrder", func(t *testing.T) { testRaceSameOrder(t, newStore) })
	t.Run("RaceReleaseReserve", func(t *testing.T) { testRaceReleaseReserve(t, newStore) })
	t.Run("RaceGiftCard", func(t *testing.T) { testRaceGiftCard(t, newStore) })
	t.Run("RaceGiftCardsCrossed", func(t *testing.T) { testRaceGiftCardsCrossed(t, newStore) })
}

// epoch is the suite's start time.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// fixture is one store and its service.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	store promotion.Store
	svc   *promotion.Service
	clock *commerce.TestClock
}

func setup(t *testing.T, newStore func(t testing.TB) promotion.Store) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), clock: commerce.NewTestClock(epoch)}
	f.store = newStore(t)
	svc, err := promotion.NewService(f.store, &promotion.Options{Clock: f.clock, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	f.svc = svc
	return f
}

func usd(amount int64) commerce.Money { return commerce.MustMoney(amount, "USD") }

func usdp(amount int64) *commerce.Money {
	m := usd(amount)
	return &m
}

// percentOff is a code promotion in USD taking bp basis points off the
// order.
func percentOff(name string, bp int64) promotion.PromotionInput {
	return promotion.PromotionInput{
		Name: name, Trigger: promotion.TriggerCode,
		Conditions: promotion.Conditions{Currency: "USD"},
		Actions:    []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: bp}},
	}
}

func (f *fixture) promotion(in promotion.PromotionInput) promotion.Promotion {
	f.t.Helper()
	p, err := f.svc.CreatePromotion(f.ctx, in)
	require.NoError(f.t, err)
	return p
}

func (f *fixture) code(code string, id commerce.PromotionID, maxUses, perCustomer int) promotion.Code {
	f.t.Helper()
	c, err := f.svc.CreateCode(f.ctx, promotion.CodeInput{Code: code, PromotionID: id, MaxUses: maxUses, MaxUsesPerCustomer: perCustomer})
	require.NoError(f.t, err)
	return c
}

// basket is a USD basket of one line per price (quantity 1) with codes.
func basket(codes []string, prices ...int64) promotion.Basket {
	b := promotion.Basket{Currency: "USD", Codes: codes, Shipping: usd(0)}
	for i, p := range prices {
		b.Lines = append(b.Lines, promotion.BasketLine{
			SKU: "sku-" + string(rune('a'+i)), Quantity: 1, UnitPrice: usd(p), Total: usd(p),
		})
	}
	return b
}

func (f *fixture) evaluate(b promotion.Basket) promotion.Result {
	f.t.Helper()
	r, err := f.svc.Evaluate(f.ctx, b)
	require.NoError(f.t, err)
	return r
}

// reserveCode evaluates a basket with code for order id and reserves it.
func (f *fixture) reserveInput(code string, customer commerce.CustomerID, email string, prices ...int64) promotion.ReserveInput {
	f.t.Helper()
	b := basket([]string{code}, prices...)
	b.CustomerID = customer
	r := f.evaluate(b)
	require.Len(f.t, r.Applied, 1, "rejected: %+v", r.Rejected)
	return promotion.ReserveInput{OrderID: commerce.NewID[commerce.OrderID](), CustomerID: customer, Email: email, Result: r, TTL: time.Hour}
}

func (f *fixture) getCode(code string) promotion.Code {
	f.t.Helper()
	c, err := f.svc.GetCode(f.ctx, code)
	require.NoError(f.t, err)
	return c
}

func (f *fixture) getPromotion(id commerce.PromotionID) promotion.Promotion {
	f.t.Helper()
	p, err := f.svc.GetPromotion(f.ctx, id)
	require.NoError(f.t, err)
	return p
}

// requireCode asserts err carries code.
func requireCode(t testing.TB, code commerce.ErrorCode, err error, msgAndArgs ...any) {
	t.Helper()
	require.Error(t, err, msgAndArgs...)
	require.Equal(t, code, commerce.Code(err), append([]any{"error: %v", err}, msgAndArgs...)...)
}

// requireDetail asserts err is a *commerce.Error with detail key = value.
func requireDetail(t testing.TB, err error, key string, value any) {
	t.Helper()
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, value, ce.Details[key], "details of %v", err)
}
