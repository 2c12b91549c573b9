package promotiontest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

func testPromotions(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	start, end := epoch.Add(-time.Hour), epoch.Add(24*time.Hour)
	in := promotion.PromotionInput{
		Name: "  Summer sale ", Description: "10% off shoes", Trigger: promotion.TriggerAutomatic,
		Conditions: promotion.Conditions{
			MinSubtotal: usdp(5000), SKUs: []string{"shoe-1"}, Currency: "USD",
			Categories: []commerce.CategoryID{commerce.NewID[commerce.CategoryID]()},
			Brands:     []commerce.BrandID{commerce.NewID[commerce.BrandID]()},
			Audience:   promotion.AudienceCustomers, FirstOrderOnly: true,
		},
		Actions: []promotion.Action{
			{Kind: promotion.ActionPercentOff, Target: promotion.TargetMatchingLines, BasisPoints: 1000},
			{Kind: promotion.ActionFreeShipping},
			{Kind: promotion.ActionBuyXGetY, BuyQuantity: 2, GetQuantity: 1, GetBasisPoints: 10000},
			{Kind: promotion.ActionFixedPrice, Amount: usdp(0)},
			{Kind: promotion.ActionAmountOff, Amount: usdp(100)},
		},
		Exclusive: true, Priority: 7, Budget: usdp(100000), StartsAt: &start, EndsAt: &end,
	}
	p := f.promotion(in)
	require.True(t, p.ID.Validate() == nil, "a promo_ ID")
	require.Equal(t, "Summer sale", p.Name)
	require.True(t, p.Active, "active by default")
	require.Equal(t, int64(1), p.Version)
	require.Equal(t, epoch, p.CreatedAt)
	require.Equal(t, promotion.TargetOrder, p.Actions[4].Target, "the default target")
	require.Equal(t, usdp(0), p.Spent, "nothing spent of the budget yet")

	got := f.getPromotion(p.ID)
	require.Equal(t, p, got, "read back as created")

	// Update replaces the editable fields and bumps the version.
	in.Name, in.Priority, in.Budget = "Summer sale 2", 9, nil
	f.clock.Advance(time.Minute)
	up, err := f.svc.UpdatePromotion(f.ctx, p.ID, 1, in)
	require.NoError(t, err)
	require.Equal(t, "Summer sale 2", up.Name)
	require.Equal(t, 9, up.Priority)
	require.Nil(t, up.Budget)
	require.Nil(t, up.Spent)
	require.Equal(t, int64(2), up.Version)
	require.Equal(t, epoch.Add(time.Minute), up.UpdatedAt)
	require.Equal(t, epoch, up.CreatedAt)
	require.Equal(t, up, f.getPromotion(p.ID))

	_, err = f.svc.UpdatePromotion(f.ctx, p.ID, 1, in)
	requireCode(t, commerce.CodeConflict, err, "a stale version")
	in.Trigger = promotion.TriggerCode
	_, err = f.svc.UpdatePromotion(f.ctx, p.ID, 0, in)
	requireCode(t, commerce.CodeInvalidArgument, err, "the trigger cannot change")
	in.Trigger = promotion.TriggerAutomatic
	in.Conditions.Currency, in.Conditions.MinSubtotal = "EUR", nil
	in.Actions = []promotion.Action{{Kind: promotion.ActionPercentOff, BasisPoints: 100}}
	_, err = f.svc.UpdatePromotion(f.ctx, p.ID, 0, in)
	requireCode(t, commerce.CodeInvalidArgument, err, "the currency cannot change")
	requireDetail(t, err, "field", "conditions.currency")

	off, err := f.svc.DeactivatePromotion(f.ctx, p.ID)
	require.NoError(t, err)
	require.False(t, off.Active)
	require.Equal(t, int64(3), off.Version)
	again, err := f.svc.DeactivatePromotion(f.ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, off, again, "deactivating twice changes nothing")

	missing := commerce.NewID[commerce.PromotionID]()
	_, err = f.svc.GetPromotion(f.ctx, missing)
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.DeactivatePromotion(f.ctx, missing)
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.UpdatePromotion(f.ctx, missing, 0, percentOff("x", 100))
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.GetPromotion(f.ctx, "promo_nonsense")
	requireCode(t, commerce.CodeInvalidArgument, err)
	requireDetail(t, err, "field", "id")
}

func testPromotionValidation(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	cases := []struct {
		field string
		edit  func(*promotion.PromotionInput)
	}{
		{"name", func(in *promotion.PromotionInput) { in.Name = "  " }},
		{"trigger", func(in *promotion.PromotionInput) { in.Trigger = "sometimes" }},
		{"actions", func(in *promotion.PromotionInput) { in.Actions = nil }},
		{"actions[0].kind", func(in *promotion.PromotionInput) { in.Actions[0].Kind = "half_off" }},
		{"actions[0].basis_points", func(in *promotion.PromotionInput) { in.Actions[0].BasisPoints = 10001 }},
		{"actions[0].basis_points", func(in *promotion.PromotionInput) { in.Actions[0].BasisPoints = 0 }},
		{"actions[0].basis_points", func(in *promotion.PromotionInput) { in.Actions[0].BasisPoints = -5 }},
		{"actions[0].target", func(in *promotion.PromotionInput) { in.Actions[0].Target = "everything" }},
		{"actions[0].amount", func(in *promotion.PromotionInput) {
			in.Actions[0] = promotion.Action{Kind: promotion.ActionAmountOff, Amount: usdp(-100)}
		}},
		{"actions[0].amount", func(in *promotion.PromotionInput) {
			in.Actions[0] = promotion.Action{Kind: promotion.ActionAmountOff, Amount: usdp(0)}
		}},
		{"actions[0].amount", func(in *promotion.PromotionInput) {
			in.Actions[0] = promotion.Action{Kind: promotion.ActionAmountOff}
		}},
		{"actions[0].amount", func(in *promotion.PromotionInput) {
			eur := commerce.MustMoney(100, "EUR")
			in.Actions[0] = promotion.Action{Kind: promotion.ActionAmountOff, Amount: &eur}
		}},
		{"conditions.currency", func(in *promotion.PromotionInput) {
			in.Conditions.Currency = ""
			in.Actions[0] = promotion.Action{Kind: promotion.ActionAmountOff, Amount: usdp(100)}
		}},
		{"conditions.currency", func(in *promotion.PromotionInput) { in.Conditions.Currency = "XYZ" }},
		{"actions[0].target", func(in *promotion.PromotionInput) {
			in.Actions[0] = promotion.Action{Kind: promotion.ActionFreeShipping, Target: promotion.TargetOrder}
		}},
		{"actions[0].buy_quantity", func(in *promotion.PromotionInput) {
			in.Actions[0] = promotion.Action{Kind: promotion.ActionBuyXGetY, GetQuantity: 1, GetBasisPoints: 10000}
		}},
		{"actions[0].get_basis_points", func(in *promotion.PromotionInput) {
			in.Actions[0] = promotion.Action{Kind: promotion.ActionBuyXGetY, BuyQuantity: 1, GetQuantity: 1, GetBasisPoints: 20000}
		}},
		{"budget", func(in *promotion.PromotionInput) { in.Budget = usdp(-1) }},
		{"conditions.min_subtotal", func(in *promotion.PromotionInput) { in.Conditions.MinSubtotal = usdp(-1) }},
		{"conditions.audience", func(in *promotion.PromotionInput) { in.Conditions.Audience = "robots" }},
		{"conditions.categories[0]", func(in *promotion.PromotionInput) { in.Conditions.Categories = []commerce.CategoryID{"shoes"} }},
		{"conditions.skus[0]", func(in *promotion.PromotionInput) { in.Conditions.SKUs = []string{""} }},
		{"ends_at", func(in *promotion.PromotionInput) { in.StartsAt, in.EndsAt = &epoch, &epoch }},
		{"priority", func(in *promotion.PromotionInput) { in.Priority = 1 << 30 }},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d_%s", i, c.field), func(t *testing.T) {
			in := percentOff("bad", 1000)
			c.edit(&in)
			_, err := f.svc.CreatePromotion(f.ctx, in)
			requireCode(t, commerce.CodeInvalidArgument, err)
			requireDetail(t, err, "field", c.field)
		})
	}
	page, err := f.svc.ListPromotions(f.ctx, promotion.PromotionFilter{}, commerce.PageRequest{})
	require.NoError(t, err)
	require.Empty(t, page.Items, "nothing invalid was stored")
}

func testCodes(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	p := f.promotion(percentOff("ten", 1000))
	c := f.code(" save10 ", p.ID, 5, 1)
	require.Equal(t, promotion.Code{Code: "SAVE10", PromotionID: p.ID, MaxUses: 5, MaxUsesPerCustomer: 1, Active: true, CreatedAt: epoch, UpdatedAt: epoch}, c)
	require.Equal(t, c, f.getCode("Save10"), "codes are found in any case")

	_, err := f.svc.CreateCode(f.ctx, promotion.CodeInput{Code: "SAVE10", PromotionID: p.ID})
	requireCode(t, commerce.CodeConflict, err, "a code exists once")
	_, err = f.svc.CreateCode(f.ctx, promotion.CodeInput{Code: "OTHER", PromotionID: commerce.NewID[commerce.PromotionID]()})
	requireCode(t, commerce.CodeFailedPrecondition, err, "a missing promotion")
	requireDetail(t, err, "field", "promotion_id")
	auto := percentOff("auto", 500)
	auto.Trigger = promotion.TriggerAutomatic
	a := f.promotion(auto)
	_, err = f.svc.CreateCode(f.ctx, promotion.CodeInput{Code: "AUTO1", PromotionID: a.ID})
	requireCode(t, commerce.CodeFailedPrecondition, err, "automatic promotions take no codes")
	for _, bad := range []promotion.CodeInput{
		{Code: "ab", PromotionID: p.ID},
		{Code: "has space", PromotionID: p.ID},
		{Code: "ÜBER", PromotionID: p.ID},
	} {
		_, err = f.svc.CreateCode(f.ctx, bad)
		requireCode(t, commerce.CodeInvalidArgument, err, bad.Code)
		requireDetail(t, err, "field", "code")
	}
	_, err = f.svc.CreateCode(f.ctx, promotion.CodeInput{Code: "NEG", PromotionID: p.ID, MaxUses: -1})
	requireCode(t, commerce.CodeInvalidArgument, err)
	requireDetail(t, err, "field", "max_uses")
	_, err = f.svc.CreateCode(f.ctx, promotion.CodeInput{Code: "NEG", PromotionID: p.ID, MaxUsesPerCustomer: -1})
	requireCode(t, commerce.CodeInvalidArgument, err)
	requireDetail(t, err, "field", "max_uses_per_customer")

	ten := 10
	f.clock.Advance(time.Second)
	up, err := f.svc.UpdateCode(f.ctx, "save10", promotion.CodePatch{MaxUses: &ten})
	require.NoError(t, err)
	require.Equal(t, 10, up.MaxUses)
	require.Equal(t, 1, up.MaxUsesPerCustomer, "left alone")
	require.Equal(t, epoch.Add(time.Second), up.UpdatedAt)
	require.Equal(t, up, f.getCode("SAVE10"))
	neg := -3
	_, err = f.svc.UpdateCode(f.ctx, "SAVE10", promotion.CodePatch{MaxUsesPerCustomer: &neg})
	requireCode(t, commerce.CodeInvalidArgument, err)
	off, err := f.svc.DeactivateCode(f.ctx, "SAVE10")
	require.NoError(t, err)
	require.False(t, off.Active)
	require.Equal(t, off, f.getCode("SAVE10"))

	_, err = f.svc.GetCode(f.ctx, "NOSUCH")
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.UpdateCode(f.ctx, "NOSUCH", promotion.CodePatch{MaxUses: &ten})
	requireCode(t, commerce.CodeNotFound, err)
}

func testLists(t *testing.T, newStore func(testing.TB) promotion.Store) {
	f := setup(t, newStore)
	var ids []commerce.PromotionID
	for i := range 7 {
		in := percentOff(fmt.Sprintf("p%d", i), 100)
		if i%2 == 0 {
			in.Trigger = promotion.TriggerAutomatic
		}
		ids = append(ids, f.promotion(in).ID)
	}
	_, err := f.svc.DeactivatePromotion(f.ctx, ids[0])
	require.NoError(t, err)
	for i := range 5 {
		f.code(fmt.Sprintf("CODE-%d", 4-i), ids[1], 0, 0)
	}
	f.code("OTHER", ids[3], 0, 0)

	var seen []commerce.PromotionID
	page := commerce.PageRequest{Limit: 3}
	for {
		p, err := f.svc.ListPromotions(f.ctx, promotion.PromotionFilter{}, page)
		require.NoError(t, err)
		require.LessOrEqual(t, len(p.Items), 3)
		for _, it := range p.Items {
			seen = append(seen, it.ID)
		}
		if !p.HasMore() {
			break
		}
		page.Cursor = p.NextCursor
	}
	want := make([]commerce.PromotionID, len(ids))
	for i, id := range ids {
		want[len(ids)-1-i] = id
	}
	require.Equal(t, want, seen, "newest first, each once")

	yes := true
	p, err := f.svc.ListPromotions(f.ctx, promotion.PromotionFilter{Trigger: promotion.TriggerAutomatic, Active: &yes}, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, p.Items, 3, "automatic and active: p2, p4, p6")
	for _, it := range p.Items {
		require.Equal(t, promotion.TriggerAutomatic, it.Trigger)
		require.True(t, it.Active)
	}
	_, err = f.svc.ListPromotions(f.ctx, promotion.PromotionFilter{}, commerce.PageRequest{Cursor: "!!"})
	requireCode(t, commerce.CodeInvalidArgument, err, "a malformed cursor")

	var codes []string
	cpage := commerce.PageRequest{Limit: 2}
	for {
		p, err := f.svc.ListCodes(f.ctx, ids[1], cpage)
		require.NoError(t, err)
		for _, c := range p.Items {
			codes = append(codes, c.Code)
		}
		if !p.HasMore() {
			break
		}
		cpage.Cursor = p.NextCursor
	}
	require.Equal(t, []string{"CODE-0", "CODE-1", "CODE-2", "CODE-3", "CODE-4"}, codes)
	all, err := f.svc.ListCodes(f.ctx, "", commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, all.Items, 6)
}
