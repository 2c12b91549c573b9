package catalogtest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

func testBrandsAndCategories(t *testing.T, f *fixture) {
	acme := f.brand("Acme Audio")
	assert.Equal(t, "acme-audio", acme.Handle, "handle derived from the name")
	got, err := f.svc.GetBrand(f.ctx, acme.ID)
	require.NoError(t, err)
	assert.Equal(t, acme.Name, got.Name)

	_, err = f.svc.CreateBrand(f.ctx, catalog.BrandInput{Name: "ACME audio!"})
	requireCode(t, commerce.CodeConflict, err, "same derived handle")
	_, err = f.svc.CreateBrand(f.ctx, catalog.BrandInput{Name: " "})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.CreateBrand(f.ctx, catalog.BrandInput{Name: "X", Handle: "Bad Handle"})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.GetBrand(f.ctx, commerce.NewID[commerce.BrandID]())
	requireCode(t, commerce.CodeNotFound, err)

	for _, n := range []string{"Beta", "Gamma", "Delta"} {
		f.brand(n)
	}
	var names []string
	req := commerce.PageRequest{Limit: 3}
	for {
		page, err := f.svc.ListBrands(f.ctx, req)
		require.NoError(t, err)
		for _, b := range page.Items {
			names = append(names, b.Name)
		}
		if !page.HasMore() {
			break
		}
		req.Cursor = page.NextCursor
	}
	assert.Equal(t, []string{"Acme Audio", "Beta", "Gamma", "Delta"}, names, "ID (creation) order")

	elec := f.category("Electronics", "")
	audio := f.category("Audio", elec.ID)
	phones := f.category("Headphones", audio.ID)
	assert.Equal(t, []commerce.CategoryID{elec.ID}, elec.Path)
	assert.Equal(t, []commerce.CategoryID{elec.ID, audio.ID, phones.ID}, phones.Path)
	assert.Equal(t, audio.ID, phones.ParentID)
	got2, err := f.svc.GetCategory(f.ctx, phones.ID)
	require.NoError(t, err)
	assert.Equal(t, phones.Path, got2.Path)

	_, err = f.svc.CreateCategory(f.ctx, catalog.CategoryInput{Name: "Orphan", ParentID: commerce.NewID[commerce.CategoryID]()})
	requireCode(t, commerce.CodeFailedPrecondition, err, "unknown parent")
	_, err = f.svc.CreateCategory(f.ctx, catalog.CategoryInput{Name: "Audio", ParentID: elec.ID})
	requireCode(t, commerce.CodeConflict, err, "handle taken")
	_, err = f.svc.CreateCategory(f.ctx, catalog.CategoryInput{Name: "X", ParentID: "cat_nope"})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.GetCategory(f.ctx, commerce.NewID[commerce.CategoryID]())
	requireCode(t, commerce.CodeNotFound, err)

	page, err := f.svc.ListCategories(f.ctx, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 3)
	assert.False(t, page.HasMore())
}

func testCreateAndGet(t *testing.T, f *fixture) {
	b := f.brand("Acme")
	c := f.category("Audio", "")
	in := input("acme-x200", "ACME-X200-BLK", "ACME-X200-WHT")
	in.BrandID, in.CategoryIDs = b.ID, []commerce.CategoryID{c.ID}
	in.Variants[1].Options = map[string]string{"colour": "White"}
	// Prices out of currency order come back sorted.
	in.Variants[1].Prices = []commerce.Money{eur(2099), usd(2199)}
	in.Variants[1].CompareAt = []commerce.Money{usd(2999)}
	p := f.product(in)

	assert.True(t, strings.HasPrefix(p.ID.String(), "prod_"))
	assert.Equal(t, f.clock.Now(), p.CreatedAt)
	require.Len(t, p.Variants, 2)
	assert.Equal(t, []commerce.Money{eur(2099), usd(2199)}, p.Variants[1].Prices)
	assert.Equal(t, p.ID, p.Variants[0].ProductID)

	got, err := f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	assertSameProduct(t, p, got)
	assert.Equal(t, map[string]string{"material": "aluminium"}, got.Attributes)
	assert.Equal(t, in.Images, got.Images)
	assert.Equal(t, in.Description, got.Description)
	compare, ok := got.Variants[1].CompareAtPrice("USD")
	require.True(t, ok)
	assert.Equal(t, usd(2999), compare)

	byHandle, err := f.svc.GetProductByHandle(f.ctx, "acme-x200")
	require.NoError(t, err)
	assertSameProduct(t, p, byHandle)

	v, owner, err := f.svc.GetVariantBySKU(f.ctx, "ACME-X200-WHT")
	require.NoError(t, err)
	assert.Equal(t, p.Variants[1].ID, v.ID)
	assert.Equal(t, "White", v.Options["colour"])
	assert.Equal(t, p.ID, owner.ID)

	_, err = f.svc.GetProduct(f.ctx, commerce.NewID[commerce.ProductID]())
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.GetProductByHandle(f.ctx, "no-such-thing")
	requireCode(t, commerce.CodeNotFound, err)
	_, _, err = f.svc.GetVariantBySKU(f.ctx, "NOPE-1")
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.GetProduct(f.ctx, "prod_bad")
	requireCode(t, commerce.CodeInvalidArgument, err)

	// Derived handle, default status, no variants.
	draft := f.product(catalog.ProductInput{Title: "Über Cable 2m"})
	assert.Equal(t, "ber-cable-2m", draft.Handle)
	assert.Equal(t, catalog.StatusDraft, draft.Status)

	env := f.eventFor("product.created", p.ID.String())
	ev := payload[catalog.ProductCreated](t, env)
	assertSameProduct(t, p, ev.Product)
}

// assertSameProduct compares products as stored, ignoring how a store
// represents empty collections and time zones.
func assertSameProduct(t *testing.T, want, got catalog.Product) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, want.Handle, got.Handle)
	assert.Equal(t, want.Title, got.Title)
	assert.Equal(t, want.Status, got.Status)
	assert.Equal(t, want.BrandID, got.BrandID)
	assert.Equal(t, want.CategoryIDs, got.CategoryIDs)
	assert.True(t, want.CreatedAt.Equal(got.CreatedAt), "created %v vs %v", want.CreatedAt, got.CreatedAt)
	assert.True(t, want.UpdatedAt.Equal(got.UpdatedAt), "updated %v vs %v", want.UpdatedAt, got.UpdatedAt)
	require.Len(t, got.Variants, len(want.Variants))
	for i := range want.Variants {
		w, g := want.Variants[i], got.Variants[i]
		assert.Equal(t, w.ID, g.ID)
		assert.Equal(t, w.SKU, g.SKU)
		assert.Equal(t, w.Options, g.Options)
		assert.Equal(t, w.Prices, g.Prices)
		assert.Equal(t, len(w.CompareAt), len(g.CompareAt))
		assert.Equal(t, w.WeightGrams, g.WeightGrams)
	}
}

func testInvalidInput(t *testing.T, f *fixture) {
	brand := f.brand("Acme")
	cases := []struct {
		name   string
		mutate func(*catalog.ProductInput)
		code   commerce.ErrorCode
		field  string
	}{
		{"empty title", func(in *catalog.ProductInput) { in.Title = "  " }, commerce.CodeInvalidArgument, "title"},
		{"empty title and handle", func(in *catalog.ProductInput) { in.Title, in.Handle = "", "" }, commerce.CodeInvalidArgument, "title"},
		{"title with newline", func(in *catalog.ProductInput) { in.Title = "a\nb" }, commerce.CodeInvalidArgument, "title"},
		{"upper-case handle", func(in *catalog.ProductInput) { in.Handle = "Bad-Handle" }, commerce.CodeInvalidArgument, "handle"},
		{"handle with spaces", func(in *catalog.ProductInput) { in.Handle = "bad handle" }, commerce.CodeInvalidArgument, "handle"},
		{"handle with double hyphen", func(in *catalog.ProductInput) { in.Handle = "bad--handle" }, commerce.CodeInvalidArgument, "handle"},
		{"negative price", func(in *catalog.ProductInput) { in.Variants[0].Prices = []commerce.Money{usd(-1)} }, commerce.CodeInvalidArgument, "variants[0].prices"},
		{"two prices in one currency", func(in *catalog.ProductInput) { in.Variants[0].Prices = []commerce.Money{usd(100), usd(200)} }, commerce.CodeInvalidArgument, "variants[0].prices"},
		{"price without currency", func(in *catalog.ProductInput) { in.Variants[0].Prices = []commerce.Money{{}} }, commerce.CodeInvalidArgument, "variants[0].prices"},
		{"no price", func(in *catalog.ProductInput) { in.Variants[0].Prices = nil }, commerce.CodeInvalidArgument, "variants[0].prices"},
		{"compare-at in a currency without price", func(in *catalog.ProductInput) {
			in.Variants[0].Prices = []commerce.Money{usd(1000)}
			in.Variants[0].CompareAt = []commerce.Money{eur(2000)}
		}, commerce.CodeInvalidArgument, "variants[0].compare_at"},
		{"compare-at below price", func(in *catalog.ProductInput) { in.Variants[0].CompareAt = []commerce.Money{usd(1000)} }, commerce.CodeInvalidArgument, "variants[0].compare_at"},
		{"negative weight", func(in *catalog.ProductInput) { in.Variants[0].WeightGrams = -5 }, commerce.CodeInvalidArgument, "variants[0].weight_grams"},
		{"bad SKU", func(in *catalog.ProductInput) { in.Variants[0].SKU = "has space" }, commerce.CodeInvalidArgument, "variants[0].sku"},
		{"empty SKU", func(in *catalog.ProductInput) { in.Variants[0].SKU = "" }, commerce.CodeInvalidArgument, "variants[0].sku"},
		{"SKU twice in the product", func(in *catalog.ProductInput) { in.Variants[1].SKU = in.Variants[0].SKU }, commerce.CodeInvalidArgument, "variants[1].sku"},
		{"empty option value", func(in *catalog.ProductInput) { in.Variants[0].Options = map[string]string{"size": ""} }, commerce.CodeInvalidArgument, ""},
		{"relative image URL", func(in *catalog.ProductInput) { in.Images = []string{"/img/x.jpg"} }, commerce.CodeInvalidArgument, "images[0]"},
		{"unknown status", func(in *catalog.ProductInput) { in.Status = "live" }, commerce.CodeInvalidArgument, "status"},
		{"malformed brand id", func(in *catalog.ProductInput) { in.BrandID = "brand_x" }, commerce.CodeInvalidArgument, "brand_id"},
		{"category twice", func(in *catalog.ProductInput) {
			id := commerce.NewID[commerce.CategoryID]()
			in.CategoryIDs = []commerce.CategoryID{id, id}
		}, commerce.CodeInvalidArgument, "category_ids"},
		{"active without variants", func(in *catalog.ProductInput) { in.Variants = nil }, commerce.CodeFailedPrecondition, "status"},
		{"unknown brand", func(in *catalog.ProductInput) { in.BrandID = commerce.NewID[commerce.BrandID]() }, commerce.CodeFailedPrecondition, ""},
		{"unknown category", func(in *catalog.ProductInput) {
			in.CategoryIDs = []commerce.CategoryID{commerce.NewID[commerce.CategoryID]()}
		}, commerce.CodeFailedPrecondition, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := input("widget", "W-1", "W-2")
			in.BrandID = brand.ID
			c.mutate(&in)
			_, err := f.svc.CreateProduct(f.ctx, in)
			requireCode(t, c.code, err)
			if c.field != "" {
				var ce *commerce.Error
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, c.field, ce.Details["field"], "%v", err)
			}
			_, err = f.svc.GetProductByHandle(f.ctx, "widget")
			requireCode(t, commerce.CodeNotFound, err, "nothing written")
		})
	}
	// The same input, valid, goes through: the cases failed for their reason.
	in := input("widget", "W-1", "W-2")
	in.BrandID = brand.ID
	f.product(in)

	_, err := f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: commerce.NewID[commerce.ProductID](), CustomerID: commerce.NewID[commerce.CustomerID](), Rating: 0})
	requireCode(t, commerce.CodeInvalidArgument, err)
}

func testDuplicatesLeaveNothing(t *testing.T, f *fixture) {
	first := f.product(input("taken", "SKU-1"))

	_, err := f.svc.CreateProduct(f.ctx, input("taken", "SKU-2"))
	requireCode(t, commerce.CodeConflict, err, "duplicate handle")
	_, _, err = f.svc.GetVariantBySKU(f.ctx, "SKU-2")
	requireCode(t, commerce.CodeNotFound, err, "no variant of the refused product")

	// The second variant's SKU is taken: neither the product nor its
	// first variant may exist afterwards.
	_, err = f.svc.CreateProduct(f.ctx, input("fresh", "SKU-3", "SKU-1"))
	requireCode(t, commerce.CodeConflict, err, "duplicate SKU")
	_, err = f.svc.GetProductByHandle(f.ctx, "fresh")
	requireCode(t, commerce.CodeNotFound, err)
	_, _, err = f.svc.GetVariantBySKU(f.ctx, "SKU-3")
	requireCode(t, commerce.CodeNotFound, err)

	got, err := f.svc.GetProduct(f.ctx, first.ID)
	require.NoError(t, err)
	assertSameProduct(t, first, got)
	page, err := f.svc.ListProducts(f.ctx, catalog.ProductFilter{}, commerce.PageRequest{})
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)

	// The names are free again once the refusal is over.
	f.product(input("fresh", "SKU-3"))
}
