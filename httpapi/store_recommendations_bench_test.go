package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/internal/benchload"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/recommend"
)

// BenchmarkRecommendations measures both recommendation routes on lists
// precomputed in Redis, in process (no network between client and API):
// one script call to Redis per list read, the catalog and stock in
// memory. 200 products, each with a list of 20.
func BenchmarkRecommendations(b *testing.B) {
	env := testenv.Redis(b)
	store, err := redis.NewRecommendationStore(env.Client, &redis.RecommendationOptions{Prefix: env.Prefix})
	require.NoError(b, err)
	const n = 200
	s := newRecShop(b, store, n)
	c, token := s.customer("bench-rec@example.com")
	lists := map[recommend.ListKey][]int{{Kind: recommend.PopularList}: {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}
	for i := range n {
		var l []int
		for k := 1; k <= 20; k++ {
			l = append(l, (i+k*7)%n)
		}
		lists[recommend.ListKey{Kind: recommend.ItemList, ID: s.products[i].ID.String()}] = l
	}
	lists[recommend.ListKey{Kind: recommend.CustomerList, ID: c.ID.String()}] = []int{3, 5, 8, 13, 21, 34, 55, 89, 144, 199}
	s.commit(b, lists)

	get := func(path, token string) error {
		req := httptest.NewRequestWithContext(context.Background(), http.MethodGet, "http://shop.test"+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		s.api.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			return fmt.Errorf("GET %s: %d %s", path, w.Code, w.Body)
		}
		return nil
	}
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("product/workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			benchload.Run(b, workers, "req/s", func(_, i int) error {
				return get("/store/products/"+s.products[i%n].ID.String()+"/recommendations", "")
			})
		})
		b.Run(fmt.Sprintf("customer/workers=%d", workers), func(b *testing.B) {
			b.ReportAllocs()
			benchload.Run(b, workers, "req/s", func(_, _ int) error {
				return get("/store/customers/me/recommendations", token)
			})
		})
	}
}
