package recommend_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/recommend"
)

// servingShop is a catalog of n active products in stock, in one
// category, with a serving store and a Service over them.
type servingShop struct {
	catalog  *catalog.Service
	stock    *inventory.Service
	store    *memory.RecommendationStore
	svc      *recommend.Service
	products []catalog.Product
	category commerce.CategoryID
	bought   map[commerce.ProductID]bool
}

func (s *servingShop) Purchased(context.Context, commerce.CustomerID) (map[commerce.ProductID]bool, error) {
	out := map[commerce.ProductID]bool{}
	for k, v := range s.bought {
		out[k] = v
	}
	return out, nil
}

func newServingShop(t *testing.T, n int) *servingShop {
	ctx := context.Background()
	cat, err := catalog.NewService(memory.NewCatalogStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	stock, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	c, err := cat.CreateCategory(ctx, catalog.CategoryInput{Name: "Mugs"})
	require.NoError(t, err)
	s := &servingShop{catalog: cat, stock: stock, store: memory.NewRecommendationStore(nil), category: c.ID, bought: map[commerce.ProductID]bool{}}
	for i := range n {
		sku := fmt.Sprintf("MUG-%d", i)
		p, err := cat.CreateProduct(ctx, catalog.ProductInput{
			Title: fmt.Sprintf("Mug %d", i), Status: catalog.StatusActive, CategoryIDs: []commerce.CategoryID{c.ID},
			Variants: []catalog.VariantInput{{SKU: sku, Prices: []commerce.Money{commerce.MustMoney(900, "USD")}}},
		})
		require.NoError(t, err)
		_, err = stock.SetStock(ctx, sku, "main", 5, "test")
		require.NoError(t, err)
		s.products = append(s.products, p)
	}
	s.svc, err = recommend.NewService(s.store, cat, stock, &recommend.Options{Purchases: s, Logger: quiet})
	require.NoError(t, err)
	return s
}

// commit writes one run with lists.
func (s *servingShop) commit(t *testing.T, lists map[recommend.ListKey][]int) {
	ctx := context.Background()
	w, err := s.store.Begin(ctx)
	require.NoError(t, err)
	for key, idx := range lists {
		var items []recommend.Scored
		for rank, i := range idx {
			items = append(items, recommend.Scored{ProductID: s.products[i].ID, Score: float64(100 - rank)})
		}
		require.NoError(t, w.Put(ctx, key, items))
	}
	require.NoError(t, w.Commit(ctx))
}

func (s *servingShop) idsOf(recs []recommend.Recommendation) []commerce.ProductID {
	out := make([]commerce.ProductID, len(recs))
	for i, r := range recs {
		out[i] = r.Product.ID
	}
	return out
}

func TestServiceFiltersAndFallsBack(t *testing.T) {
	ctx := context.Background()
	s := newServingShop(t, 8)
	p := s.products
	_, err := s.catalog.ArchiveProduct(ctx, p[2].ID)
	require.NoError(t, err)
	_, err = s.stock.SetStock(ctx, "MUG-3", "main", 0, "sold out")
	require.NoError(t, err)
	s.commit(t, map[recommend.ListKey][]int{
		{Kind: recommend.ItemList, ID: p[0].ID.String()}: {2, 3, 1, 0},
		{Kind: recommend.PopularList}:                    {5, 4},
	})

	recs, err := s.svc.ForProduct(ctx, p[0].ID, 3)
	require.NoError(t, err)
	assert.Equal(t, []commerce.ProductID{p[1].ID, p[5].ID, p[4].ID}, s.idsOf(recs), "archived, sold-out and the product itself left out; popular fills in")
	assert.Equal(t, []recommend.Reason{recommend.BoughtTogether, recommend.Popular, recommend.Popular},
		[]recommend.Reason{recs[0].Reason, recs[1].Reason, recs[2].Reason})

	cus := commerce.NewID[commerce.CustomerID]()
	s.bought[p[5].ID] = true
	recs, err = s.svc.ForCustomer(ctx, cus, 2)
	require.NoError(t, err)
	assert.Equal(t, p[4].ID, recs[0].Product.ID, "what they bought is left out")
	assert.Len(t, recs, 2, "the catalog fills what the model cannot")
	assert.NotContains(t, s.idsOf(recs), p[5].ID)
}

// TestServiceRecommendsUntrackedStock: with inventory.Options.Untracked,
// a product whose SKU has no stock level is recommended; one whose stock
// was set to 0 is not.
func TestServiceRecommendsUntrackedStock(t *testing.T) {
	ctx := context.Background()
	s := newServingShop(t, 4)
	p := s.products
	stock, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: commerce.DiscardEvents{}}), &inventory.Options{Untracked: true})
	require.NoError(t, err)
	_, err = stock.SetStock(ctx, "MUG-2", "", 0, "no longer sold")
	require.NoError(t, err)
	s.svc, err = recommend.NewService(s.store, s.catalog, stock, &recommend.Options{Purchases: s, Logger: quiet})
	require.NoError(t, err)
	s.commit(t, map[recommend.ListKey][]int{{Kind: recommend.ItemList, ID: p[0].ID.String()}: {1, 2, 3}})

	recs, err := s.svc.ForProduct(ctx, p[0].ID, 3)
	require.NoError(t, err)
	assert.Equal(t, []commerce.ProductID{p[1].ID, p[3].ID}, s.idsOf(recs), "untracked SKUs are in stock, an empty level is not")
}

func TestServiceAnswersAnEmptyModel(t *testing.T) {
	ctx := context.Background()
	s := newServingShop(t, 4)
	recs, err := s.svc.ForProduct(ctx, s.products[0].ID, 10)
	require.NoError(t, err)
	assert.Len(t, recs, 3, "no run: the category's other products")
	assert.Equal(t, recommend.PopularInCategory, recs[0].Reason)
	recs, err = s.svc.ForCustomer(ctx, commerce.NewID[commerce.CustomerID](), 10)
	require.NoError(t, err)
	assert.Len(t, recs, 4)
}

func TestServiceRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	s := newServingShop(t, 1)
	_, err := s.svc.ForProduct(ctx, commerce.NewID[commerce.ProductID](), 10)
	assert.ErrorIs(t, err, commerce.ErrNotFound)
	for _, n := range []int{0, -1, recommend.MaxLimit + 1} {
		_, err = s.svc.ForProduct(ctx, s.products[0].ID, n)
		assert.ErrorIs(t, err, commerce.ErrInvalidArgument, "limit %d", n)
		_, err = s.svc.ForCustomer(ctx, commerce.NewID[commerce.CustomerID](), n)
		assert.ErrorIs(t, err, commerce.ErrInvalidArgument, "limit %d", n)
	}
}

// orderList is an OrderLister of fixed orders, two per page.
type orderList []order.Order

func (l orderList) List(_ context.Context, f order.ListFilter, page commerce.PageRequest) (commerce.Page[order.Order], error) {
	start := 0
	if page.Cursor != "" {
		start, _ = strconv.Atoi(page.Cursor)
	}
	end := min(start+2, len(l))
	p := commerce.Page[order.Order]{Items: l[start:end]}
	if end < len(l) {
		p.NextCursor = strconv.Itoa(end)
	}
	return p, nil
}

func TestOrderPurchases(t *testing.T) {
	p := make([]commerce.ProductID, 5)
	for i := range p {
		p[i] = commerce.NewID[commerce.ProductID]()
	}
	line := func(id commerce.ProductID) []order.Line { return []order.Line{{ProductID: id}} }
	orders := orderList{
		{Status: order.StatusDelivered, Lines: line(p[0])},
		{Status: order.StatusCancelled, Lines: line(p[1])},
		{Status: order.StatusPending, Lines: line(p[2])},
		{Status: order.StatusConfirmed, Lines: line(p[3])},
		{Status: order.StatusRefunded, Lines: line(p[4])},
	}
	got, err := recommend.OrderPurchases(orders).Purchased(context.Background(), commerce.NewID[commerce.CustomerID]())
	require.NoError(t, err)
	assert.Equal(t, map[commerce.ProductID]bool{p[0]: true, p[3]: true}, got, "paid for and kept, on every page")
}
