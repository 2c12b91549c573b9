package promotiontest

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

func (f *fixture) issue(amount int64) promotion.IssuedGiftCard {
	f.t.Helper()
	g, err := f.svc.IssueGiftCard(f.ctx, promotion.GiftCardInput{Amount: usd(amount)})
	require.NoError(f.t, err)
	return g
}

func (f *fixture) balance(id commerce.GiftCardID) int64 {
	f.t.Helper()
	g, err := f.svc.GetGiftCard(f.ctx, id)
	require.NoError(f.t, err)
	require.False(f.t, g.Balance.IsNegative(), "a balance is never negative")
	return g.Balance.Amount()
}

func use(code string, amount int64) promotion.GiftCardUse {
	return promotion.GiftCardUse{Code: code, Amount: usd(amount)}
}

func testGiftCards(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	g := f.issue(5000)
	require.Regexp(t, regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}-[0-9A-HJKMNP-TV-Z]{2}$`), g.Code)
	plain := strings.ReplaceAll(g.Code, "-", "")
	require.Equal(t, promotion.GiftCard{
		ID: g.GiftCard.ID, CodeHash: promotion.HashGiftCardCode(g.Code), Hint: plain[len(plain)-4:], Currency: "USD",
		Initial: usd(5000), Balance: usd(5000), Active: true, CreatedAt: epoch, UpdatedAt: epoch,
	}, g.GiftCard)
	require.NotContains(t, g.GiftCard.CodeHash, plain, "the code is not stored")
	other := f.issue(5000)
	require.NotEqual(t, g.Code, other.Code)

	got, err := f.svc.GetGiftCard(f.ctx, g.GiftCard.ID)
	require.NoError(t, err)
	require.Equal(t, g.GiftCard, got)
	got, err = f.svc.GiftCardBalance(f.ctx, " "+strings.ToLower(g.Code)+" ")
	require.NoError(t, err, "any case, spaces and dashes")
	require.Equal(t, g.GiftCard, got)
	_, err = f.svc.GiftCardBalance(f.ctx, strings.Repeat("0", 26))
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.GiftCardBalance(f.ctx, "short")
	requireCode(t, commerce.CodeInvalidArgument, err)
	requireDetail(t, err, "field", "code")

	page, err := f.svc.ListGiftCards(f.ctx, commerce.PageRequest{Limit: 1})
	require.NoError(t, err)
	require.Equal(t, []promotion.GiftCard{other.GiftCard}, page.Items, "newest first")
	page, err = f.svc.ListGiftCards(f.ctx, commerce.PageRequest{Limit: 1, Cursor: page.NextCursor})
	require.NoError(t, err)
	require.Equal(t, []promotion.GiftCard{g.GiftCard}, page.Items)

	for field, in := range map[string]promotion.GiftCardInput{
		"amount":     {Amount: usd(-100)},
		"amount ":    {Amount: usd(0)},
		"expires_at": {Amount: usd(100), ExpiresAt: &epoch},
	} {
		_, err := f.svc.IssueGiftCard(f.ctx, in)
		requireCode(t, commerce.CodeInvalidArgument, err, field)
		requireDetail(t, err, "field", strings.TrimSpace(field))
	}

	off, err := f.svc.DeactivateGiftCard(f.ctx, other.GiftCard.ID)
	require.NoError(t, err)
	require.False(t, off.Active)
	_, err = f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: commerce.NewID[commerce.OrderID](), Uses: []promotion.GiftCardUse{use(other.Code, 100)}})
	requireCode(t, commerce.CodeInvalidArgument, err, "an inactive card cannot pay")
	requireDetail(t, err, "field", "gift_cards[0].code")
	_, err = f.svc.DeactivateGiftCard(f.ctx, commerce.NewID[commerce.GiftCardID]())
	requireCode(t, commerce.CodeNotFound, err)
	on, later := true, epoch.Add(48*time.Hour)
	f.clock.Advance(time.Second)
	back, err := f.svc.UpdateGiftCard(f.ctx, other.GiftCard.ID, promotion.GiftCardPatch{Active: &on, ExpiresAt: &later})
	require.NoError(t, err)
	require.True(t, back.Active)
	require.Equal(t, &later, back.ExpiresAt)
	require.Equal(t, epoch.Add(time.Second), back.UpdatedAt)
	require.Equal(t, int64(5000), back.Balance.Amount(), "the balance is untouched")
	got, err = f.svc.GetGiftCard(f.ctx, other.GiftCard.ID)
	require.NoError(t, err)
	require.Equal(t, back, got)
	_, err = f.svc.UpdateGiftCard(f.ctx, other.GiftCard.ID, promotion.GiftCardPatch{ExpiresAt: &epoch})
	requireCode(t, commerce.CodeInvalidArgument, err)
	requireDetail(t, err, "field", "expires_at")
	_, err = f.svc.DeactivateGiftCard(f.ctx, other.GiftCard.ID)
	require.NoError(t, err)

	// Bad holds.
	order := commerce.NewID[commerce.OrderID]()
	for field, uses := range map[string][]promotion.GiftCardUse{
		"gift_cards":           nil,
		"gift_cards[0].code":   {use(strings.Repeat("Z", 26), 100)},
		"gift_cards[0].amount": {{Code: g.Code, Amount: commerce.MustMoney(100, "EUR")}},
		"gift_cards[1].code":   {use(g.Code, 100), use(strings.ToLower(g.Code), 100)},
		"gift_cards[1].amount": {use(g.Code, 100), use(other.Code, 0)},
	} {
		_, err := f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: order, Uses: uses})
		requireCode(t, commerce.CodeInvalidArgument, err, field)
		requireDetail(t, err, "field", field)
	}
	_, err = f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: order, Uses: []promotion.GiftCardUse{use(g.Code, 5001)}})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	requireDetail(t, err, "field", "gift_cards[0].amount")
	requireDetail(t, err, "reason", "insufficient_balance")
	require.Equal(t, int64(5000), f.balance(g.GiftCard.ID), "nothing held")
	_, err = f.svc.GetGiftCardPayment(f.ctx, order)
	requireCode(t, commerce.CodeNotFound, err)
}

// testGiftCardAllOrNothing: one short card holds none.
func testGiftCardAllOrNothing(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	a, b, c := f.issue(1000), f.issue(1000), f.issue(300)
	order := commerce.NewID[commerce.OrderID]()
	_, err := f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: order, Uses: []promotion.GiftCardUse{
		use(a.Code, 1000), use(b.Code, 500), use(c.Code, 301),
	}})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	requireDetail(t, err, "field", "gift_cards[2].amount")
	require.Equal(t, int64(1000), f.balance(a.GiftCard.ID))
	require.Equal(t, int64(1000), f.balance(b.GiftCard.ID))
	require.Equal(t, int64(300), f.balance(c.GiftCard.ID))

	holds, err := f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: order, Uses: []promotion.GiftCardUse{
		use(a.Code, 1000), use(b.Code, 500), use(c.Code, 300),
	}})
	require.NoError(t, err, "the same order may try again once refused")
	require.Len(t, holds, 3)
	require.Equal(t, int64(0), f.balance(a.GiftCard.ID))
	require.Equal(t, int64(500), f.balance(b.GiftCard.ID))
	require.Equal(t, int64(0), f.balance(c.GiftCard.ID))
}

// testGiftCardSaga: hold, idempotent repeats, capture, release.
func testGiftCardSaga(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	a, b := f.issue(2000), f.issue(1000)
	order := commerce.NewID[commerce.OrderID]()
	in := promotion.HoldInput{OrderID: order, Uses: []promotion.GiftCardUse{use(a.Code, 1500), use(b.Code, 1000)}, TTL: time.Hour}
	holds, err := f.svc.HoldGiftCards(f.ctx, in)
	require.NoError(t, err)
	require.Equal(t, []promotion.GiftCardHold{
		{GiftCardID: a.GiftCard.ID, Hint: a.GiftCard.Hint, Amount: usd(1500), Refunded: usd(0)},
		{GiftCardID: b.GiftCard.ID, Hint: b.GiftCard.Hint, Amount: usd(1000), Refunded: usd(0)},
	}, holds)
	require.Equal(t, int64(500), f.balance(a.GiftCard.ID))
	require.Equal(t, int64(0), f.balance(b.GiftCard.ID))
	again, err := f.svc.HoldGiftCards(f.ctx, in)
	require.NoError(t, err)
	require.ElementsMatch(t, holds, again, "a repeated hold holds nothing more")
	require.Equal(t, int64(500), f.balance(a.GiftCard.ID))
	_, err = f.svc.DeactivateGiftCard(f.ctx, b.GiftCard.ID)
	require.NoError(t, err)
	again, err = f.svc.HoldGiftCards(f.ctx, in)
	require.NoError(t, err, "a retry of a made hold stands, though a card was switched off since")
	require.ElementsMatch(t, holds, again)
	changed := in
	changed.Uses = []promotion.GiftCardUse{use(a.Code, 100)}
	_, err = f.svc.HoldGiftCards(f.ctx, changed)
	requireCode(t, commerce.CodeConflict, err)

	p, err := f.svc.GetGiftCardPayment(f.ctx, order)
	require.NoError(t, err)
	require.Equal(t, promotion.GiftCardHeld, p.Status)
	require.Equal(t, epoch.Add(time.Hour), p.ExpiresAt)

	require.NoError(t, f.svc.CaptureGiftCards(f.ctx, order))
	require.NoError(t, f.svc.CaptureGiftCards(f.ctx, order), "capture is idempotent")
	p, err = f.svc.GetGiftCardPayment(f.ctx, order)
	require.NoError(t, err)
	require.Equal(t, promotion.GiftCardCaptured, p.Status)
	require.Equal(t, int64(500), f.balance(a.GiftCard.ID), "capturing moves no money")

	require.NoError(t, f.svc.ReleaseGiftCards(f.ctx, order), "the order is cancelled")
	require.NoError(t, f.svc.ReleaseGiftCards(f.ctx, order), "release is idempotent")
	require.Equal(t, int64(2000), f.balance(a.GiftCard.ID))
	require.Equal(t, int64(1000), f.balance(b.GiftCard.ID))
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.CaptureGiftCards(f.ctx, order))

	// A hold released before capture.
	o2 := commerce.NewID[commerce.OrderID]()
	_, err = f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: o2, Uses: []promotion.GiftCardUse{use(a.Code, 700)}})
	require.NoError(t, err)
	require.Equal(t, int64(1300), f.balance(a.GiftCard.ID))
	require.NoError(t, f.svc.ReleaseGiftCards(f.ctx, o2))
	require.Equal(t, int64(2000), f.balance(a.GiftCard.ID))

	none := commerce.NewID[commerce.OrderID]()
	require.NoError(t, f.svc.ReleaseGiftCards(f.ctx, none), "nothing to release")
	requireCode(t, commerce.CodeNotFound, f.svc.CaptureGiftCards(f.ctx, none))
}

// testGiftCardRefunds: refunds credit the last card first, never more
// than was captured, once per refund ID.
func testGiftCardRefunds(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	a, b := f.issue(2000), f.issue(1000)
	order := commerce.NewID[commerce.OrderID]()
	_, err := f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: order, Uses: []promotion.GiftCardUse{use(a.Code, 1500), use(b.Code, 600)}})
	require.NoError(t, err)
	r1 := commerce.NewID[commerce.RefundID]()
	_, err = f.svc.RefundGiftCards(f.ctx, order, r1, usd(100))
	requireCode(t, commerce.CodeFailedPrecondition, err, "not captured yet")
	require.NoError(t, f.svc.CaptureGiftCards(f.ctx, order))

	got, err := f.svc.RefundGiftCards(f.ctx, order, r1, usd(800))
	require.NoError(t, err)
	require.Equal(t, usd(800), got)
	require.Equal(t, int64(1000), f.balance(b.GiftCard.ID), "the last card first: 600 back")
	require.Equal(t, int64(700), f.balance(a.GiftCard.ID), "then 200 to the first")
	got, err = f.svc.RefundGiftCards(f.ctx, order, r1, usd(800))
	require.NoError(t, err)
	require.Equal(t, usd(800), got, "the same refund again credits nothing more")
	require.Equal(t, int64(700), f.balance(a.GiftCard.ID))

	got, err = f.svc.RefundGiftCards(f.ctx, order, commerce.NewID[commerce.RefundID](), usd(5000))
	require.NoError(t, err)
	require.Equal(t, usd(1300), got, "only what is left to refund")
	require.Equal(t, int64(2000), f.balance(a.GiftCard.ID))
	got, err = f.svc.RefundGiftCards(f.ctx, order, commerce.NewID[commerce.RefundID](), usd(1))
	require.NoError(t, err)
	require.Equal(t, usd(0), got)

	require.NoError(t, f.svc.ReleaseGiftCards(f.ctx, order), "a fully refunded order cancelled")
	require.Equal(t, int64(2000), f.balance(a.GiftCard.ID), "nothing credited twice")
	require.Equal(t, int64(1000), f.balance(b.GiftCard.ID))

	_, err = f.svc.RefundGiftCards(f.ctx, order, commerce.NewID[commerce.RefundID](), usd(-1))
	requireCode(t, commerce.CodeInvalidArgument, err)
	requireDetail(t, err, "field", "amount")
	_, err = f.svc.RefundGiftCards(f.ctx, commerce.NewID[commerce.OrderID](), commerce.NewID[commerce.RefundID](), usd(1))
	requireCode(t, commerce.CodeNotFound, err)
}

// testGiftCardExpiry: holds nobody captures are released by the sweep.
func testGiftCardExpiry(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	a := f.issue(1000)
	order := commerce.NewID[commerce.OrderID]()
	_, err := f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: order, Uses: []promotion.GiftCardUse{use(a.Code, 400)}, TTL: time.Minute})
	require.NoError(t, err)
	kept := commerce.NewID[commerce.OrderID]()
	_, err = f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: kept, Uses: []promotion.GiftCardUse{use(a.Code, 100)}, TTL: time.Minute})
	require.NoError(t, err)
	require.NoError(t, f.svc.CaptureGiftCards(f.ctx, kept))
	n, err := f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	f.clock.Advance(time.Minute)
	requireCode(t, commerce.CodeFailedPrecondition, f.svc.CaptureGiftCards(f.ctx, order), "due, even unswept")
	n, err = f.svc.ReleaseExpired(f.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, int64(900), f.balance(a.GiftCard.ID), "the expired hold is back; the captured one is not")
	p, err := f.svc.GetGiftCardPayment(f.ctx, order)
	require.NoError(t, err)
	require.Equal(t, promotion.GiftCardReleased, p.Status)

	// A card that expires cannot be held afterwards.
	exp := epoch.Add(2 * time.Minute)
	e, err := f.svc.IssueGiftCard(f.ctx, promotion.GiftCardInput{Amount: usd(100), ExpiresAt: &exp})
	require.NoError(t, err)
	f.clock.Advance(time.Minute)
	_, err = f.svc.HoldGiftCards(f.ctx, promotion.HoldInput{OrderID: commerce.NewID[commerce.OrderID](), Uses: []promotion.GiftCardUse{use(e.Code, 50)}})
	requireCode(t, commerce.CodeInvalidArgument, err)
}
