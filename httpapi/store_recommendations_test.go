package httpapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/recommend"
)

// recShop is a test shop whose API serves recommendations from store and
// counts views with a tracker publishing to views.
type recShop struct {
	*shop
	store    recommend.Store
	views    *commercetest.Recorder
	products []catalog.Product
	bought   map[commerce.ProductID]bool
}

func (s *recShop) Purchased(context.Context, commerce.CustomerID) (map[commerce.ProductID]bool, error) {
	return s.bought, nil
}

// newRecShop returns a shop with n active products in stock over store.
func newRecShop(t testing.TB, store recommend.Store, n int) *recShop {
	t.Helper()
	s := &recShop{shop: newShop(t), store: store, views: commercetest.NewRecorder(), bought: map[commerce.ProductID]bool{}}
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	for i := range n {
		sku := fmt.Sprintf("REC-%d", i)
		p, err := s.svc.Catalog.CreateProduct(ctx, catalog.ProductInput{
			Title: fmt.Sprintf("Recommended %d", i), Status: catalog.StatusActive,
			Variants: []catalog.VariantInput{{SKU: sku, Prices: []commerce.Money{commerce.MustMoney(500, "USD")}}},
		})
		require.NoError(t, err)
		_, err = s.svc.Inventory.SetStock(ctx, sku, "main", 10, "test")
		require.NoError(t, err)
		s.products = append(s.products, p)
	}
	var err error
	s.svc.Recommendations, err = recommend.NewService(store, s.svc.Catalog, s.svc.Inventory, &recommend.Options{Purchases: s, Logger: quiet})
	require.NoError(t, err)
	tracker, err := recommend.NewTracker(s.views, &recommend.TrackerOptions{FlushInterval: 5 * time.Millisecond, Logger: quiet})
	require.NoError(t, err)
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = tracker.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })
	s.api, err = httpapi.New(s.svc, &httpapi.Options{AdminKey: adminKey, Logger: quiet, Activity: tracker})
	require.NoError(t, err)
	s.srv.Close()
	s.srv = httptest.NewServer(s.api)
	t.Cleanup(s.srv.Close)
	return s
}

// commit writes a run where each key lists the products at idx.
func (s *recShop) commit(t testing.TB, lists map[recommend.ListKey][]int) {
	t.Helper()
	ctx := context.Background()
	w, err := s.store.Begin(ctx)
	require.NoError(t, err)
	for key, idx := range lists {
		items := make([]recommend.Scored, len(idx))
		for rank, i := range idx {
			items[rank] = recommend.Scored{ProductID: s.products[i].ID, Score: float64(len(idx) - rank)}
		}
		require.NoError(t, w.Put(ctx, key, items))
	}
	require.NoError(t, w.Commit(ctx))
}

func recIDs(t testing.TB, r reply) []commerce.ProductID {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var l httpapi.List[recommend.Recommendation]
	r.json(t, &l)
	out := make([]commerce.ProductID, len(l.Items))
	for i, it := range l.Items {
		out[i] = it.Product.ID
	}
	return out
}

func TestProductRecommendations(t *testing.T) {
	s := newRecShop(t, memory.NewRecommendationStore(nil), 6)
	p := s.products
	s.commit(t, map[recommend.ListKey][]int{
		{Kind: recommend.ItemList, ID: p[0].ID.String()}: {3, 1},
		{Kind: recommend.PopularList}:                    {5, 4, 0},
	})
	path := "/store/products/" + p[0].ID.String() + "/recommendations"
	assert.Equal(t, []commerce.ProductID{p[3].ID, p[1].ID, p[5].ID}, recIDs(t, s.do(http.MethodGet, path+"?limit=3", "", nil)))
	assert.Equal(t, []commerce.ProductID{p[3].ID, p[1].ID, p[5].ID, p[4].ID, p[2].ID}, recIDs(t, s.do(http.MethodGet, path, "", nil)),
		"default limit; the catalog fills in; never the product itself")
	assert.Equal(t, []commerce.ProductID{p[3].ID}, recIDs(t, s.do(http.MethodGet, "/store/products/"+p[0].Handle+"/recommendations?limit=1", "", nil)), "by handle too")

	for _, bad := range []string{"0", "51", "-1", "ten", "1.5"} {
		r := s.do(http.MethodGet, path+"?limit="+bad, "", nil)
		assert.Equal(t, http.StatusBadRequest, r.status, "limit=%s: %s", bad, r.body)
		assert.Equal(t, "invalid_argument", r.errorCode(t))
	}
	for _, missing := range []string{commerce.NewID[commerce.ProductID]().String(), "prod_nope", "%21%21"} {
		r := s.do(http.MethodGet, "/store/products/"+missing+"/recommendations", "", nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%s: %s", missing, r.body)
	}
}

func TestCustomerRecommendations(t *testing.T) {
	s := newRecShop(t, memory.NewRecommendationStore(nil), 4)
	p := s.products
	r := s.do(http.MethodGet, "/store/customers/me/recommendations", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)

	c, token := s.customer("rec@example.com")
	assert.Len(t, recIDs(t, s.do(http.MethodGet, "/store/customers/me/recommendations", token, nil)), 4, "an empty model answers the catalog")

	s.bought[p[1].ID] = true
	s.commit(t, map[recommend.ListKey][]int{
		{Kind: recommend.CustomerList, ID: c.ID.String()}: {2, 1},
		{Kind: recommend.PopularList}:                     {1, 3},
	})
	got := recIDs(t, s.do(http.MethodGet, "/store/customers/me/recommendations?limit=2", token, nil))
	assert.Equal(t, []commerce.ProductID{p[2].ID, p[3].ID}, got, "what they bought is left out")
	r = s.do(http.MethodGet, "/store/customers/me/recommendations?limit=100", token, nil)
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestRecommendationsWithoutARecommender(t *testing.T) {
	s := newShop(t)
	_, token := s.customer("none@example.com")
	r := s.do(http.MethodGet, "/store/customers/me/recommendations", token, nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
	r = s.do(http.MethodGet, "/store/products/"+commerce.NewID[commerce.ProductID]().String()+"/recommendations", "", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
	paths, _ := s.api.OpenAPI()["paths"].(map[string]any)
	assert.NotContains(t, paths, "/store/customers/me/recommendations", "documented only when served")
}

func TestProductViewsAreCounted(t *testing.T) {
	s := newRecShop(t, memory.NewRecommendationStore(nil), 1)
	p := s.products[0]
	c, token := s.customer("viewer@example.com")
	require.Equal(t, http.StatusOK, s.do(http.MethodGet, "/store/products/"+p.ID.String(), "", nil, httpapi.SessionHeader, "cart_abc-1").status)
	require.Equal(t, http.StatusOK, s.do(http.MethodGet, "/store/products/"+p.Handle, token, nil).status)
	require.Equal(t, http.StatusOK, s.do(http.MethodGet, "/store/products/"+p.ID.String(), "", nil).status) // nobody: not counted
	require.Equal(t, http.StatusOK, s.do(http.MethodGet, "/store/products/"+p.ID.String(), "", nil, httpapi.SessionHeader, "bad session!").status)

	got := s.views.WaitFor(t, 5*time.Second, "recommend.product_viewed", 2)
	assert.ElementsMatch(t, []any{
		recommend.ProductViewed{ProductID: p.ID, SessionID: "cart_abc-1"},
		recommend.ProductViewed{ProductID: p.ID, CustomerID: c.ID},
	}, []any{got[0].Payload, got[1].Payload})
}

func TestRecommendationRoutesAreDocumented(t *testing.T) {
	s := newRecShop(t, memory.NewRecommendationStore(nil), 0)
	paths, _ := s.api.OpenAPI()["paths"].(map[string]any)
	for _, path := range []string{"/store/products/{id}/recommendations", "/store/customers/me/recommendations"} {
		item, ok := paths[path].(map[string]any)
		require.True(t, ok, path)
		op, _ := item["get"].(map[string]any)
		require.NotNil(t, op, path)
		params, _ := op["parameters"].([]any)
		var names []string
		for _, p := range params {
			names = append(names, p.(map[string]any)["name"].(string))
		}
		assert.Contains(t, names, "limit", path)
	}
}

// TestRecommendationsRefuseHostileInput: whatever the path or the limit,
// a 4xx or a 200, never a 5xx.
func TestRecommendationsRefuseHostileInput(t *testing.T) {
	s := newRecShop(t, memory.NewRecommendationStore(nil), 2)
	_, token := s.customer("hostile@example.com")
	segments := []string{"x", "%20", "%00", "%25", "%C3%BC", "%FF%FE", "-1", "prod_", "cart_00000000000000000000000000", "prod_ZZZZZZZZZZZZZZZZZZZZZZZZZZ", strings.Repeat("a", 4000)}
	for _, seg := range segments {
		r := s.do(http.MethodGet, "/store/products/"+seg+"/recommendations", "", nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%s: %s", seg, r.body)
	}
	for _, v := range []string{" ", "-1", "0", "1.5", "abc", "1e999", "99999999999999999999", "\x00", "ü", "%"} {
		q := "?" + url.Values{"limit": {v}}.Encode()
		r := s.do(http.MethodGet, "/store/products/"+s.products[0].ID.String()+"/recommendations"+q, "", nil)
		assert.Equal(t, http.StatusBadRequest, r.status, "limit %q: %s", v, r.body)
		r = s.do(http.MethodGet, "/store/customers/me/recommendations"+q, token, nil)
		assert.Equal(t, http.StatusBadRequest, r.status, "limit %q: %s", v, r.body)
	}
}
