package carttest

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// codeTable is the suite's cart.Discounter: TENOFF takes 10% off every
// line; EXPIRED and the codes it does not know are refused whatever the
// cart holds; BIGSPEND needs a subtotal of 100.00.
type codeTable struct{}

func (codeTable) Evaluate(_ context.Context, b promotion.Basket) (promotion.Result, error) {
	zero := commerce.Zero(b.Currency)
	r := promotion.Result{Currency: b.Currency, Discount: zero, ShippingDiscount: zero, LineDiscounts: make([]commerce.Money, len(b.Lines))}
	subtotal := zero
	for i, l := range b.Lines {
		r.LineDiscounts[i] = zero
		subtotal, _ = subtotal.Add(l.Total)
	}
	for _, code := range b.Codes {
		switch code {
		case "TENOFF":
			a := promotion.Applied{PromotionID: "promo_01JTENOFF000000000000000000", Name: "Ten off", Code: code, Discount: zero, ShippingDiscount: zero}
			for i, l := range b.Lines {
				d, err := l.Total.Percent(1000, commerce.RoundHalfEven)
				if err != nil {
					return promotion.Result{}, err
				}
				a.LineDiscounts = append(a.LineDiscounts, d)
				r.LineDiscounts[i], _ = r.LineDiscounts[i].Add(d)
				a.Discount, _ = a.Discount.Add(d)
			}
			r.Discount, _ = r.Discount.Add(a.Discount)
			r.Applied = append(r.Applied, a)
		case "BIGSPEND":
			if subtotal.Amount() < 10000 {
				r.Rejected = append(r.Rejected, promotion.Rejected{Code: code, Reason: promotion.ReasonConditions, Message: "spend 100.00"})
			}
		case "EXPIRED":
			r.Rejected = append(r.Rejected, promotion.Rejected{Code: code, Reason: promotion.ReasonExpired, Message: "the code has expired"})
		default:
			r.Rejected = append(r.Rejected, promotion.Rejected{Code: code, Reason: promotion.ReasonUnknown, Message: "no such code"})
		}
	}
	return r, nil
}

// testCodes: codes are kept normalized by every store, once each, up to
// the limit, and removed; they follow a guest cart merged at login.
func testCodes(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, func(o *cart.Options) { o.MaxCodes = 2 })
	c := f.create("", "")
	got, err := f.svc.ApplyCode(f.ctx, c.ID, "  welcome10 ")
	require.NoError(t, err)
	require.Equal(t, []string{"WELCOME10"}, got.Codes)
	require.Equal(t, got, f.get(c.ID), "the store keeps the codes")

	again, err := f.svc.ApplyCode(f.ctx, c.ID, "WELCOME10")
	require.NoError(t, err)
	require.Equal(t, got.Version, again.Version, "a code entered twice is kept once, without a write")

	before := f.snap(c.ID)
	for _, bad := range []string{"", "  ", "AB", "WITH SPACE", "ÜBER10", string(make([]byte, 65))} {
		_, err := f.svc.ApplyCode(f.ctx, c.ID, bad)
		requireDetail(t, commerce.CodeInvalidArgument, "field", "code", err, "code %q", bad)
	}
	_, err = f.svc.ApplyCode(f.ctx, "cart_nope", "WELCOME10")
	requireDetail(t, commerce.CodeInvalidArgument, "field", "cart_id", err)
	f.unchanged(before, "refused codes change nothing")

	f.add(c.ID, "MUG-RED", 1, nil)
	_, err = f.svc.ApplyCode(f.ctx, c.ID, "SPRING")
	require.NoError(t, err)
	_, err = f.svc.ApplyCode(f.ctx, c.ID, "SUMMER")
	requireDetail(t, commerce.CodeFailedPrecondition, "max_codes", 2, err, "a third code past MaxCodes 2")

	removed, err := f.svc.RemoveCode(f.ctx, c.ID, "welcome10")
	require.NoError(t, err)
	require.Equal(t, []string{"SPRING"}, removed.Codes)
	_, err = f.svc.RemoveCode(f.ctx, c.ID, "WELCOME10")
	requireDetail(t, commerce.CodeNotFound, "field", "code", err)
	removed, err = f.svc.RemoveCode(f.ctx, c.ID, "SPRING")
	require.NoError(t, err)
	require.Nil(t, removed.Codes, "no codes is nil")
	require.Equal(t, removed, f.get(c.ID))
	require.Equal(t, []string{"cart.created", "cart.code_applied", "cart.item_added", "cart.code_applied", "cart.code_removed", "cart.code_removed"}, f.namesOf(c.ID))

	// A guest's codes follow its lines into the customer's cart, up to
	// the limit.
	customer := commerce.NewID[commerce.CustomerID]()
	owned := f.create(customer, "")
	f.add(owned.ID, "TEE-M", 1, nil)
	_, err = f.svc.ApplyCode(f.ctx, owned.ID, "MINE")
	require.NoError(t, err)
	guest := f.create("", "")
	f.add(guest.ID, "MUG-RED", 1, nil)
	for _, code := range []string{"GUEST1", "GUEST2"} {
		_, err = f.svc.ApplyCode(f.ctx, guest.ID, code)
		require.NoError(t, err)
	}
	merged, err := f.svc.Merge(f.ctx, guest.ID, customer, cart.MergeAddQuantities)
	require.NoError(t, err)
	require.Equal(t, []string{"MINE", "GUEST1"}, merged.Codes)

	// A converted cart takes no more codes.
	conv := f.create("", "")
	conv = f.add(conv.ID, "MUG-RED", 1, nil)
	_, err = f.svc.MarkConverted(f.ctx, conv.ID, commerce.NewID[commerce.OrderID](), conv.Version)
	require.NoError(t, err)
	_, err = f.svc.ApplyCode(f.ctx, conv.ID, "LATE")
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.RemoveCode(f.ctx, conv.ID, "LATE")
	requireCode(t, commerce.CodeFailedPrecondition, err)
}

// testCodeTotals: with a Discounter, Totals shows each applied promotion
// with each line's share and each refused code with its reason, and
// ApplyCode refuses codes no cart could use.
func testCodeTotals(t *testing.T, newStore NewStore) {
	f := setup(t, newStore, func(o *cart.Options) { o.Discounter = codeTable{} })
	c := f.create("", "")
	f.add(c.ID, "MUG-RED", 2, nil) // 24.00
	f.add(c.ID, "TEE-M", 1, nil)   // 25.00
	f.add(c.ID, "MUG-BLUE", 1, nil)
	f.prices.setPurchasable("MUG-BLUE", false)

	before := f.snap(c.ID)
	for code, reason := range map[string]promotion.RejectReason{"EXPIRED": promotion.ReasonExpired, "NOSUCH": promotion.ReasonUnknown} {
		_, err := f.svc.ApplyCode(f.ctx, c.ID, code)
		requireDetail(t, commerce.CodeInvalidArgument, "reason", string(reason), err, code)
		requireDetail(t, commerce.CodeInvalidArgument, "field", "code", err, code)
	}
	f.unchanged(before, "codes no cart could use are not kept")

	for _, code := range []string{"tenoff", "BIGSPEND"} {
		_, err := f.svc.ApplyCode(f.ctx, c.ID, code)
		require.NoError(t, err, "code %s", code)
	}
	tot, err := f.svc.Totals(f.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"TENOFF", "BIGSPEND"}, tot.Codes)
	require.Equal(t, usd(4900), tot.Subtotal)
	require.Equal(t, usd(490), tot.Discount)
	require.Equal(t, usd(4410), tot.Total)
	var lines []commerce.Money
	for _, l := range tot.Lines {
		lines = append(lines, l.Discount)
	}
	require.Equal(t, []commerce.Money{usd(240), usd(250), usd(0)}, lines, "the unpurchasable line gets nothing")
	require.Len(t, tot.Promotions, 1)
	require.Equal(t, "TENOFF", tot.Promotions[0].Code)
	require.Equal(t, usd(490), tot.Promotions[0].Discount)
	require.Equal(t, []promotion.Rejected{{Code: "BIGSPEND", Reason: promotion.ReasonConditions, Message: "spend 100.00"}}, tot.RejectedCodes)

	items, err := f.svc.PriceItems(f.ctx, f.get(c.ID))
	require.NoError(t, err)
	require.Equal(t, usd(0), items.Discount, "PriceItems leaves promotions out")
	require.Equal(t, items.Subtotal, items.Total)
	require.Empty(t, items.Promotions)
	require.Empty(t, items.RejectedCodes)
	require.Equal(t, usd(0), items.Lines[0].Discount)

	// Without a Discounter, codes are kept and give nothing until
	// checkout decides.
	plain := f.service(cart.Options{Clock: f.clock})
	tot, err = plain.Totals(f.ctx, c.ID)
	require.NoError(t, err)
	require.Equal(t, usd(0), tot.Discount)
	require.Equal(t, tot.Subtotal, tot.Total)
	require.Empty(t, tot.Promotions)
	require.True(t, slices.Equal([]string{"TENOFF", "BIGSPEND"}, tot.Codes))
}
