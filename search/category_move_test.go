package search_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/search"
)

// TestIndexerFollowsACategoryMove: once a category moves, its products
// (those of its subcategories included) are found under the new
// ancestors and no longer under the old.
func TestIndexerFollowsACategoryMove(t *testing.T) {
	s := newShop(t)
	ctx := s.ctx
	home, err := s.catalog.CreateCategory(ctx, catalog.CategoryInput{Name: "Home"})
	require.NoError(t, err)
	outdoor, err := s.catalog.CreateCategory(ctx, catalog.CategoryInput{Name: "Outdoor"})
	require.NoError(t, err)
	kitchen, err := s.catalog.CreateCategory(ctx, catalog.CategoryInput{Name: "Kitchen", ParentID: home.ID})
	require.NoError(t, err)
	kettles, err := s.catalog.CreateCategory(ctx, catalog.CategoryInput{Name: "Kettles", ParentID: kitchen.ID})
	require.NoError(t, err)
	p, err := s.catalog.CreateProduct(ctx, catalog.ProductInput{
		Title: "Camp Kettle", CategoryIDs: []commerce.CategoryID{kettles.ID}, Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: "CK-1", Prices: []commerce.Money{commerce.MustMoney(2999, "USD")}}},
	})
	require.NoError(t, err)
	s.eventually("under Home", search.Query{CategoryIDs: []commerce.CategoryID{home.ID}}, p.ID)

	_, err = s.catalog.MoveCategory(ctx, kitchen.ID, outdoor.ID)
	require.NoError(t, err)
	s.eventually("under Outdoor after the move", search.Query{CategoryIDs: []commerce.CategoryID{outdoor.ID}}, p.ID)
	s.eventually("no longer under Home", search.Query{CategoryIDs: []commerce.CategoryID{home.ID}})
}
