package catalogtest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

func ptr[T any](v T) *T { return &v }

func testUpdateAndArchive(t *testing.T, f *fixture) {
	p := f.product(input("lamp", "LAMP-1"))
	other := f.product(input("chair", "CHAIR-1"))
	f.clock.Advance(time.Hour)

	updated, err := f.svc.UpdateProduct(f.ctx, p.ID, catalog.ProductPatch{
		Title:      ptr("Brass Desk Lamp"),
		Handle:     ptr("brass-desk-lamp"),
		Attributes: ptr(map[string]string{"material": "brass", "dimmable": "yes"}),
	})
	require.NoError(t, err)
	assert.Equal(t, "Brass Desk Lamp", updated.Title)
	assert.Equal(t, f.clock.Now(), updated.UpdatedAt)
	assert.True(t, p.CreatedAt.Equal(updated.CreatedAt))

	got, err := f.svc.GetProductByHandle(f.ctx, "brass-desk-lamp")
	require.NoError(t, err)
	assertSameProduct(t, updated, got)
	assert.Equal(t, map[string]string{"material": "brass", "dimmable": "yes"}, got.Attributes)
	_, err = f.svc.GetProductByHandle(f.ctx, "lamp")
	requireCode(t, commerce.CodeNotFound, err, "the old handle is free")

	ev := payload[catalog.ProductUpdated](t, f.eventFor("product.updated", p.ID.String()))
	assert.Equal(t, "Brass Desk Lamp", ev.Product.Title)
	assert.Equal(t, catalog.StatusActive, ev.PreviousStatus)

	_, err = f.svc.UpdateProduct(f.ctx, p.ID, catalog.ProductPatch{Handle: ptr("chair")})
	requireCode(t, commerce.CodeConflict, err, "handle of another product")
	_, err = f.svc.UpdateProduct(f.ctx, p.ID, catalog.ProductPatch{Title: ptr("")})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.UpdateProduct(f.ctx, p.ID, catalog.ProductPatch{Status: ptr(catalog.Status("gone"))})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.UpdateProduct(f.ctx, p.ID, catalog.ProductPatch{BrandID: ptr(commerce.NewID[commerce.BrandID]())})
	requireCode(t, commerce.CodeFailedPrecondition, err)
	_, err = f.svc.UpdateProduct(f.ctx, commerce.NewID[commerce.ProductID](), catalog.ProductPatch{Title: ptr("x")})
	requireCode(t, commerce.CodeNotFound, err)
	got, err = f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	assertSameProduct(t, updated, got)

	archived, err := f.svc.ArchiveProduct(f.ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, catalog.StatusArchived, archived.Status)
	assert.False(t, archived.Purchasable())
	arch := payload[catalog.ProductArchived](t, f.eventFor("product.archived", p.ID.String()))
	assert.Equal(t, catalog.StatusArchived, arch.Product.Status)
	require.Len(t, arch.Product.Variants, 1, "the snapshot has the variants")

	// Back on sale.
	restored, err := f.svc.UpdateProduct(f.ctx, p.ID, catalog.ProductPatch{Status: ptr(catalog.StatusActive)})
	require.NoError(t, err)
	assert.Equal(t, catalog.StatusActive, restored.Status)
	_ = other
}

func testVariants(t *testing.T, f *fixture) {
	p := f.product(input("tee", "TEE-S"))
	f.product(input("other", "OTHER-1"))

	v, err := f.svc.AddVariant(f.ctx, p.ID, catalog.VariantInput{
		SKU: "TEE-M", Options: map[string]string{"size": "M"}, Prices: []commerce.Money{usd(2500)},
	})
	require.NoError(t, err)
	added := payload[catalog.VariantPriceChanged](t, f.eventFor("variant.price_changed", p.ID.String()))
	assert.Equal(t, "TEE-M", added.SKU)
	assert.Empty(t, added.OldPrices)
	assert.Equal(t, []commerce.Money{usd(2500)}, added.NewPrices)

	_, err = f.svc.AddVariant(f.ctx, p.ID, catalog.VariantInput{SKU: "OTHER-1", Prices: []commerce.Money{usd(1)}})
	requireCode(t, commerce.CodeConflict, err, "SKU of another product")
	_, err = f.svc.AddVariant(f.ctx, p.ID, catalog.VariantInput{SKU: "TEE-S", Prices: []commerce.Money{usd(1)}})
	requireCode(t, commerce.CodeInvalidArgument, err, "SKU twice in the product")
	_, err = f.svc.AddVariant(f.ctx, p.ID, catalog.VariantInput{SKU: "TEE-L", Prices: []commerce.Money{usd(-1)}})
	requireCode(t, commerce.CodeInvalidArgument, err)
	_, err = f.svc.AddVariant(f.ctx, commerce.NewID[commerce.ProductID](), catalog.VariantInput{SKU: "TEE-L", Prices: []commerce.Money{usd(1)}})
	requireCode(t, commerce.CodeNotFound, err)

	got, err := f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, got.Variants, 2)
	assert.Equal(t, v.ID, got.Variants[1].ID)

	f.events.Reset()
	_, err = f.svc.UpdateVariant(f.ctx, p.ID, v.ID, catalog.VariantInput{
		SKU: "TEE-M2", Options: map[string]string{"size": "M"},
		Prices: []commerce.Money{usd(2200), eur(2000)}, CompareAt: []commerce.Money{usd(2500)},
	})
	require.NoError(t, err)
	changed := payload[catalog.VariantPriceChanged](t, f.eventFor("variant.price_changed", p.ID.String()))
	assert.Equal(t, v.ID, changed.VariantID)
	assert.Equal(t, "TEE-M2", changed.SKU)
	assert.Equal(t, []commerce.Money{usd(2500)}, changed.OldPrices)
	assert.Equal(t, []commerce.Money{eur(2000), usd(2200)}, changed.NewPrices)
	assert.Equal(t, []commerce.Money{usd(2500)}, changed.NewCompareAt)
	f.eventFor("product.updated", p.ID.String())

	_, _, err = f.svc.GetVariantBySKU(f.ctx, "TEE-M")
	requireCode(t, commerce.CodeNotFound, err, "the old SKU is gone")
	byNew, _, err := f.svc.GetVariantBySKU(f.ctx, "TEE-M2")
	require.NoError(t, err)
	assert.Equal(t, v.ID, byNew.ID)

	_, err = f.svc.UpdateVariant(f.ctx, p.ID, commerce.NewID[commerce.VariantID](), catalog.VariantInput{SKU: "X-1", Prices: []commerce.Money{usd(1)}})
	requireCode(t, commerce.CodeNotFound, err)
	_, err = f.svc.UpdateVariant(f.ctx, p.ID, v.ID, catalog.VariantInput{SKU: "OTHER-1", Prices: []commerce.Money{usd(1)}})
	requireCode(t, commerce.CodeConflict, err)

	require.NoError(t, f.svc.DeleteVariant(f.ctx, p.ID, v.ID))
	got, err = f.svc.GetProduct(f.ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, got.Variants, 1)
	_, _, err = f.svc.GetVariantBySKU(f.ctx, "TEE-M2")
	requireCode(t, commerce.CodeNotFound, err)

	err = f.svc.DeleteVariant(f.ctx, p.ID, got.Variants[0].ID)
	requireCode(t, commerce.CodeFailedPrecondition, err, "an active product keeps a variant")
	requireCode(t, commerce.CodeNotFound, f.svc.DeleteVariant(f.ctx, p.ID, v.ID))
}

func testDelete(t *testing.T, f *fixture) {
	p := f.product(input("gone", "GONE-1", "GONE-2"))
	_, err := f.svc.AddReview(f.ctx, catalog.ReviewInput{ProductID: p.ID, CustomerID: commerce.NewID[commerce.CustomerID](), Rating: 4})
	require.NoError(t, err)

	require.NoError(t, f.svc.DeleteProduct(f.ctx, p.ID))
	ev := payload[catalog.ProductDeleted](t, f.eventFor("product.deleted", p.ID.String()))
	assert.Equal(t, p.ID, ev.ProductID)
	assert.ElementsMatch(t, []string{"GONE-1", "GONE-2"}, ev.SKUs)

	_, err = f.svc.GetProduct(f.ctx, p.ID)
	requireCode(t, commerce.CodeNotFound, err)
	_, _, err = f.svc.GetVariantBySKU(f.ctx, "GONE-1")
	requireCode(t, commerce.CodeNotFound, err)
	reviews, err := f.svc.ListReviews(f.ctx, p.ID, commerce.PageRequest{})
	require.NoError(t, err)
	assert.Empty(t, reviews.Items)
	requireCode(t, commerce.CodeNotFound, f.svc.DeleteProduct(f.ctx, p.ID))

	// Handle and SKUs can be used again.
	f.product(input("gone", "GONE-1"))
}
