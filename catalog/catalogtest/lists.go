package catalogtest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

func (f *fixture) listAll(filter catalog.ProductFilter, limit int) []string {
	f.t.Helper()
	var handles []string
	req := commerce.PageRequest{Limit: limit}
	for range 1000 {
		page, err := f.svc.ListProducts(f.ctx, filter, req)
		require.NoError(f.t, err)
		require.LessOrEqual(f.t, len(page.Items), limit)
		for _, p := range page.Items {
			handles = append(handles, p.Handle)
		}
		if !page.HasMore() {
			return handles
		}
		req.Cursor = page.NextCursor
	}
	f.t.Fatal("ListProducts never ended")
	return nil
}

func testListFilters(t *testing.T, f *fixture) {
	elec := f.category("Electronics", "")
	audio := f.category("Audio", elec.ID)
	headphones := f.category("Headphones", audio.ID)
	phones := f.category("Phones", elec.ID)
	home := f.category("Home", "")
	acme, zen := f.brand("Acme"), f.brand("Zen")

	mk := func(handle string, brand commerce.BrandID, status catalog.Status, cats ...commerce.CategoryID) {
		in := input(handle, "SKU-"+handle)
		in.BrandID, in.Status, in.CategoryIDs = brand, status, cats
		f.product(in)
	}
	mk("h1", acme.ID, catalog.StatusActive, headphones.ID)
	mk("h2", zen.ID, catalog.StatusActive, headphones.ID)
	mk("a1", acme.ID, catalog.StatusDraft, audio.ID)
	mk("p1", acme.ID, catalog.StatusActive, phones.ID)
	mk("x1", zen.ID, catalog.StatusArchived, home.ID, headphones.ID)
	mk("n1", "", catalog.StatusActive, home.ID)
	mk("n2", "", catalog.StatusActive)

	cases := []struct {
		name   string
		filter catalog.ProductFilter
		want   []string
	}{
		{"everything", catalog.ProductFilter{}, []string{"h1", "h2", "a1", "p1", "x1", "n1", "n2"}},
		{"root category has its descendants", catalog.ProductFilter{CategoryID: elec.ID}, []string{"h1", "h2", "a1", "p1", "x1"}},
		{"middle category", catalog.ProductFilter{CategoryID: audio.ID}, []string{"h1", "h2", "a1", "x1"}},
		{"leaf category", catalog.ProductFilter{CategoryID: headphones.ID}, []string{"h1", "h2", "x1"}},
		{"second category counts", catalog.ProductFilter{CategoryID: home.ID}, []string{"x1", "n1"}},
		{"brand", catalog.ProductFilter{BrandID: acme.ID}, []string{"h1", "a1", "p1"}},
		{"status", catalog.ProductFilter{Status: catalog.StatusActive}, []string{"h1", "h2", "p1", "n1", "n2"}},
		{"category and brand", catalog.ProductFilter{CategoryID: audio.ID, BrandID: zen.ID}, []string{"h2", "x1"}},
		{"all three", catalog.ProductFilter{CategoryID: elec.ID, BrandID: acme.ID, Status: catalog.StatusActive}, []string{"h1", "p1"}},
		{"unknown category", catalog.ProductFilter{CategoryID: commerce.NewID[commerce.CategoryID]()}, nil},
	}
	for _, c := range cases {
		for _, limit := range []int{1, 2, 50} {
			t.Run(fmt.Sprintf("%s/limit=%d", c.name, limit), func(t *testing.T) {
				assert.Equal(t, c.want, f.listAll(c.filter, limit))
			})
		}
	}

	_, err := f.svc.ListProducts(f.ctx, catalog.ProductFilter{Status: "gone"}, commerce.PageRequest{})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.ListProducts(f.ctx, catalog.ProductFilter{BrandID: "brand_x"}, commerce.PageRequest{})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.ListProducts(f.ctx, catalog.ProductFilter{}, commerce.PageRequest{Cursor: "not-a-cursor"})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.ListProducts(f.ctx, catalog.ProductFilter{}, commerce.PageRequest{Limit: -1})
	requireCode(t, commerce.CodeInvalidArgument, err)

	page, err := f.svc.ListProducts(f.ctx, catalog.ProductFilter{CategoryID: headphones.ID}, commerce.PageRequest{Limit: 1})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	require.Len(t, page.Items[0].Variants, 1, "listed products carry their variants")
	assert.Equal(t, []commerce.Money{eur(1899), usd(1999)}, page.Items[0].Variants[0].Prices)
}

func testListPaging(t *testing.T, f *fixture) {
	var want []string
	for i := range 25 {
		h := fmt.Sprintf("item-%02d", i)
		f.product(input(h, fmt.Sprintf("ITEM-%02d", i)))
		want = append(want, h)
	}
	assert.Equal(t, want, f.listAll(catalog.ProductFilter{}, 7))

	// A product created between pages, sorting after the cursor, is seen;
	// nothing is repeated.
	first, err := f.svc.ListProducts(f.ctx, catalog.ProductFilter{}, commerce.PageRequest{Limit: 10})
	require.NoError(t, err)
	f.product(input("late", "LATE-1"))
	seen := map[string]bool{}
	for _, p := range first.Items {
		seen[p.Handle] = true
	}
	req := commerce.PageRequest{Limit: 10, Cursor: first.NextCursor}
	for {
		page, err := f.svc.ListProducts(f.ctx, catalog.ProductFilter{}, req)
		require.NoError(t, err)
		for _, p := range page.Items {
			require.False(t, seen[p.Handle], "repeated %s", p.Handle)
			seen[p.Handle] = true
		}
		if !page.HasMore() {
			break
		}
		req.Cursor = page.NextCursor
	}
	assert.Len(t, seen, 26)
	assert.True(t, seen["late"])
}

func testPriceSKUs(t *testing.T, f *fixture) {
	in := input("runner", "RUN-42", "RUN-43")
	in.Title = "Trail Runner"
	in.Variants[0].Options = map[string]string{"size": "42", "colour": "Blue"}
	in.Variants[1].Prices = []commerce.Money{usd(5000)}
	p := f.product(in)
	draft := input("draft", "DRAFT-1")
	draft.Status = catalog.StatusDraft
	f.product(draft)

	prices, err := f.svc.PriceSKUs(f.ctx, "USD", "RUN-42", "RUN-43", "DRAFT-1", "RUN-42")
	require.NoError(t, err)
	require.Len(t, prices, 3)
	assert.Equal(t, catalog.SKUPrice{
		SKU: "RUN-42", ProductID: p.ID, VariantID: p.Variants[0].ID,
		Title: "Trail Runner (Blue / 42)", Price: usd(1999), Purchasable: true,
	}, prices["RUN-42"])
	assert.Equal(t, usd(5000), prices["RUN-43"].Price)
	assert.False(t, prices["DRAFT-1"].Purchasable)

	one, err := f.svc.PriceSKU(f.ctx, "RUN-42", "EUR")
	require.NoError(t, err)
	assert.Equal(t, eur(1899), one.Price)

	_, err = f.svc.PriceSKUs(f.ctx, "USD", "RUN-42", "NOPE-1", "NOPE-2")
	requireCode(t, commerce.CodeNotFound, err)
	var ce *commerce.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{"NOPE-1", "NOPE-2"}, ce.Details["skus"])
	assert.Contains(t, err.Error(), "NOPE-1")

	_, err = f.svc.PriceSKU(f.ctx, "RUN-43", "EUR")
	requireCode(t, commerce.CodeFailedPrecondition, err, "no EUR price")
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []string{"RUN-43"}, ce.Details["skus"])

	_, err = f.svc.PriceSKU(f.ctx, "RUN-42", "XYZ")
	requireCode(t, commerce.CodeInvalidArgument, err, "unknown currency")
	_, err = f.svc.PriceSKU(f.ctx, "bad sku", "USD")
	requireCode(t, commerce.CodeInvalidArgument, err)
	empty, err := f.svc.PriceSKUs(f.ctx, "USD")
	require.NoError(t, err)
	assert.Empty(t, empty)
}
