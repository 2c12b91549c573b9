package promotion_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/promotion"
)

// A promotion on a category covers products in the categories below it,
// and one on a brand covers that brand's products, with a real catalog.
func TestCatalogProductsCoversDescendantCategoriesAndBrands(t *testing.T) {
	ctx := context.Background()
	cat, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	shoes, err := cat.CreateCategory(ctx, catalog.CategoryInput{Name: "Shoes"})
	require.NoError(t, err)
	boots, err := cat.CreateCategory(ctx, catalog.CategoryInput{Name: "Boots", ParentID: shoes.ID})
	require.NoError(t, err)
	hats, err := cat.CreateCategory(ctx, catalog.CategoryInput{Name: "Hats"})
	require.NoError(t, err)
	acme, err := cat.CreateBrand(ctx, catalog.BrandInput{Name: "Acme"})
	require.NoError(t, err)
	product := func(title, sku string, category commerce.CategoryID, brand commerce.BrandID) commerce.ProductID {
		p, err := cat.CreateProduct(ctx, catalog.ProductInput{Title: title, CategoryIDs: []commerce.CategoryID{category}, BrandID: brand,
			Variants: []catalog.VariantInput{{SKU: sku, Prices: []commerce.Money{usd(1000)}}}})
		require.NoError(t, err)
		return p.ID
	}
	boot := product("Boot", "boot-1", boots.ID, "")
	hat := product("Hat", "hat-1", hats.ID, "")
	acmeHat := product("Acme hat", "hat-2", hats.ID, acme.ID)

	facts, err := promotion.CatalogProducts(cat).ProductFacts(ctx, boot)
	require.NoError(t, err)
	require.ElementsMatch(t, []commerce.CategoryID{boots.ID, shoes.ID}, facts.Categories)

	e := newEnv(t, promotion.CatalogProducts(cat))
	e.auto(promotion.Conditions{Categories: []commerce.CategoryID{shoes.ID}, Brands: []commerce.BrandID{acme.ID}},
		promotion.Action{Kind: promotion.ActionPercentOff, Target: promotion.TargetMatchingLines, BasisPoints: 5000})
	r := e.eval(bsk(ln{"boot-1", boot, 1, 1000}, ln{"hat-1", hat, 1, 1000}, ln{"hat-2", acmeHat, 1, 1000}))
	require.Equal(t, []int64{500, 0, 500}, amounts(r.LineDiscounts))

	_, err = promotion.CatalogProducts(cat).ProductFacts(ctx, commerce.NewID[commerce.ProductID]())
	require.Equal(t, commerce.CodeNotFound, commerce.Code(err))
}
