package httpapi_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/search"
)

// searchShop is a shop with a small catalog, built through the admin and
// store APIs and indexed.
type searchShop struct {
	*shop
	acme, globex      catalog.Brand
	audio, phones     catalog.Category
	home              catalog.Category
	studio, travel    catalog.Product // Acme headphones
	wireless, speaker catalog.Product // Globex
	lamp              catalog.Product // Acme, Home
}

func newSearchShop(t *testing.T) *searchShop {
	s := &searchShop{shop: newShop(t)}
	s.acme, s.globex = s.brand("Acme"), s.brand("Globex")
	s.audio = s.category("Audio", "")
	s.phones = s.category("Headphones", s.audio.ID)
	s.home = s.category("Home", "")
	reviewer := 0
	add := func(title string, brand catalog.Brand, cat catalog.Category, color string, usdPrice int64, stock int, ratings ...int) catalog.Product {
		sku := strings.ToUpper(strings.ReplaceAll(title, " ", "-"))
		in := activeProduct(title, usdPrice, sku)
		in.BrandID, in.CategoryIDs = brand.ID, []commerce.CategoryID{cat.ID}
		in.Attributes = map[string]string{"color": color}
		p := s.product(in)
		if stock > 0 {
			r := s.admin(http.MethodPut, "/admin/inventory/"+sku, map[string]any{"quantity": stock})
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		}
		for _, stars := range ratings {
			reviewer++
			_, token := s.customer(fmt.Sprintf("reviewer%d@example.com", reviewer))
			r := s.do(http.MethodPost, "/store/products/"+p.ID.String()+"/reviews", token, map[string]any{"rating": stars, "body": "Great battery life"})
			require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
		}
		return p
	}
	s.studio = add("Acme Studio Headphones", s.acme, s.phones, "black", 9900, 5, 5, 5)
	s.travel = add("Acme Travel Headphones", s.acme, s.phones, "red", 5900, 0, 3)
	s.wireless = add("Globex Wireless Headphones", s.globex, s.phones, "red", 14900, 2, 4)
	s.speaker = add("Globex Bookshelf Speaker", s.globex, s.audio, "black", 19900, 1)
	s.lamp = add("Acme Desk Lamp", s.acme, s.home, "white", 2900, 10, 2)
	// A price in a second currency for one product.
	r := s.admin(http.MethodPut, "/admin/products/"+s.studio.ID.String()+"/variants/"+s.studio.Variants[0].ID.String(),
		catalog.VariantInput{SKU: s.studio.Variants[0].SKU, Prices: []commerce.Money{usd(9900), commerce.MustMoney(8900, "EUR")}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	draft := activeProduct("Acme Prototype Headphones", 100, "PROTO-HP")
	draft.Status = catalog.StatusDraft
	s.product(draft)
	s.reindex()
	return s
}

// search runs a search and returns its result.
func (s *searchShop) search(t *testing.T, query string) search.Result {
	t.Helper()
	r := s.do(http.MethodGet, "/store/search?"+query, "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s: %s", query, r.body)
	var res search.Result
	r.json(t, &res)
	require.NotNil(t, res.Hits, "hits is never null")
	return res
}

func hitIDs(res search.Result) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ProductID.String()
	}
	return ids
}

func ids(ps ...catalog.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID.String()
	}
	return out
}

func TestStoreSearchFiltersAndSorts(t *testing.T) {
	s := newSearchShop(t)
	all := ids(s.studio, s.travel, s.wireless, s.speaker, s.lamp)

	res := s.search(t, "")
	assert.ElementsMatch(t, all, hitIDs(res), "drafts are not found")
	assert.Equal(t, 5, res.Total)

	cases := []struct {
		query string
		want  []string
		order bool
	}{
		{query: "q=headphones", want: ids(s.studio, s.travel, s.wireless)},
		{query: "q=" + url.QueryEscape("wireless headphones"), want: ids(s.wireless)},
		{query: "q=" + s.lamp.Variants[0].SKU, want: ids(s.lamp)},
		{query: "category=" + s.audio.ID.String(), want: ids(s.studio, s.travel, s.wireless, s.speaker)},
		{query: "category=" + s.phones.ID.String(), want: ids(s.studio, s.travel, s.wireless)},
		{query: "category=" + s.phones.ID.String() + "&category=" + s.home.ID.String(), want: ids(s.studio, s.travel, s.wireless, s.lamp)},
		{query: "brand=" + s.acme.ID.String(), want: ids(s.studio, s.travel, s.lamp)},
		{query: "brand=" + s.acme.ID.String() + "," + s.globex.ID.String(), want: all},
		{query: "brand=" + s.globex.ID.String() + "&q=headphones", want: ids(s.wireless)},
		{query: "currency=USD&price_min=5000&price_max=15000", want: ids(s.studio, s.travel, s.wireless)},
		{query: "currency=usd&price_max=5900", want: ids(s.travel, s.lamp)},
		{query: "currency=EUR&price_min=1", want: ids(s.studio)},
		{query: "in_stock=true", want: ids(s.studio, s.wireless, s.speaker, s.lamp)},
		{query: "in_stock=false", want: all},
		{query: "attribute=color:red", want: ids(s.travel, s.wireless)},
		{query: "attribute=color:red&attribute=color:black", want: ids(s.studio, s.travel, s.wireless, s.speaker)},
		{query: "attribute=color:red&attribute=material:wool", want: []string{}},
		{query: "min_rating=400", want: ids(s.studio, s.wireless)},
		{query: "q=headphones&in_stock=1&attribute=color:red&currency=USD&price_min=10000", want: ids(s.wireless)},
		{query: "sort=price_asc&currency=USD", want: ids(s.lamp, s.travel, s.studio, s.wireless, s.speaker), order: true},
		{query: "sort=price_desc&currency=USD", want: ids(s.speaker, s.wireless, s.studio, s.travel, s.lamp), order: true},
		{query: "sort=rating", want: ids(s.studio, s.wireless, s.travel, s.lamp, s.speaker), order: true},
		{query: "sort=price_asc&currency=EUR&page_size=1", want: ids(s.studio), order: true},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			res := s.search(t, tc.query)
			if tc.order {
				assert.Equal(t, tc.want, hitIDs(res))
			} else {
				assert.ElementsMatch(t, tc.want, hitIDs(res))
				assert.Equal(t, len(tc.want), res.Total)
			}
		})
	}

	res = s.search(t, "q=headphones")
	for _, h := range res.Hits {
		assert.Equal(t, h.ProductID, h.Document.ProductID)
		assert.NotEmpty(t, h.Document.Title)
		assert.NotEmpty(t, h.Document.SKUs)
		assert.NotEmpty(t, h.Document.Prices)
	}
}

func TestStoreSearchPagesAndFacets(t *testing.T) {
	s := newSearchShop(t)

	// Pages follow each other without a repeat or a gap.
	var got []string
	cursor := ""
	for range 10 {
		q := "sort=price_asc&currency=USD&page_size=2"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		res := s.search(t, q)
		assert.Equal(t, 5, res.Total)
		assert.LessOrEqual(t, len(res.Hits), 2)
		got = append(got, hitIDs(res)...)
		if res.NextCursor == "" {
			break
		}
		cursor = res.NextCursor
	}
	assert.Equal(t, ids(s.lamp, s.travel, s.studio, s.wireless, s.speaker), got)

	// A cursor belongs to its query.
	first := s.search(t, "sort=price_asc&currency=USD&page_size=2")
	require.NotEmpty(t, first.NextCursor)
	assertError(t, s.do(http.MethodGet, "/store/search?sort=rating&page_size=2&cursor="+url.QueryEscape(first.NextCursor), "", nil), http.StatusBadRequest, "invalid_argument", "cursor")

	// Facets, repeated or comma-separated.
	for _, q := range []string{"facets=brand,category,price,rating&currency=USD", "facets=brand&facets=category&facets=price&facets=rating&currency=USD"} {
		res := s.search(t, q)
		require.Len(t, res.Facets, 4, "%s", q)
		counts := func(facet string) map[string]int {
			m := map[string]int{}
			for _, c := range res.Facets[facet] {
				m[c.Value] = c.Count
			}
			return m
		}
		assert.Equal(t, map[string]int{s.acme.ID.String(): 3, s.globex.ID.String(): 2}, counts(search.FacetBrand))
		assert.Equal(t, "Acme", res.Facets[search.FacetBrand][0].Name)
		cats := counts(search.FacetCategory)
		assert.Equal(t, 4, cats[s.audio.ID.String()], "a category counts the products below it")
		assert.Equal(t, 3, cats[s.phones.ID.String()])
		assert.Equal(t, 1, cats[s.home.ID.String()])
		ratings := counts(search.FacetRating)
		assert.Equal(t, 2, ratings["400"])
		assert.Equal(t, 4, ratings["100"])
		total := 0
		for _, c := range res.Facets[search.FacetPrice] {
			total += c.Count
		}
		assert.Equal(t, 5, total, "every product falls in one price bucket")
	}

	// Facets count the hits under every filter.
	res := s.search(t, "facets=brand&brand="+s.globex.ID.String())
	assert.Equal(t, []search.FacetCount{{Value: s.globex.ID.String(), Name: "Globex", Count: 2}}, res.Facets[search.FacetBrand])
}

func TestStoreSearchSuggest(t *testing.T) {
	s := newSearchShop(t)
	r := s.do(http.MethodGet, "/store/search/suggest?q=headp", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var out httpapi.SuggestResponse
	r.json(t, &out)
	require.NotEmpty(t, out.Suggestions)
	assert.Equal(t, "headphones", out.Suggestions[0].Text)
	assert.Equal(t, 3, out.Suggestions[0].Count)

	r = s.do(http.MethodGet, "/store/search/suggest?q=zzzz&limit=5", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.JSONEq(t, `{"suggestions":[]}`, string(r.body))

	assertError(t, s.do(http.MethodGet, "/store/search/suggest", "", nil), http.StatusBadRequest, "invalid_argument", "q")
	assertError(t, s.do(http.MethodGet, "/store/search/suggest?q=%20%20", "", nil), http.StatusBadRequest, "invalid_argument", "q")
	assertError(t, s.do(http.MethodGet, "/store/search/suggest?q="+strings.Repeat("a", 200), "", nil), http.StatusBadRequest, "invalid_argument", "q")
	assertError(t, s.do(http.MethodGet, "/store/search/suggest?q=head&limit=99", "", nil), http.StatusBadRequest, "invalid_argument", "limit")
	assertError(t, s.do(http.MethodGet, "/store/search/suggest?q=head&limit=-1", "", nil), http.StatusBadRequest, "invalid_argument", "limit")
	assertError(t, s.do(http.MethodGet, "/store/search/suggest?q=head&limit=lots", "", nil), http.StatusBadRequest, "invalid_argument", "limit")
}

func TestStoreSearchBadParameters(t *testing.T) {
	s := newShop(t)
	for _, tc := range []struct{ query, field string }{
		{"q=" + strings.Repeat("x", 300), "q"},
		{"q=%FF%FE", "q"},
		{"category=nope", "category"},
		{"category=" + commerce.NewID[commerce.BrandID]().String(), "category"},
		{"brand=brand_x,", "brand"},
		{"currency=XXX", "currency"},
		{"currency=dollars", "currency"},
		{"price_min=100", "currency"},
		{"price_max=100", "currency"},
		{"sort=price_asc", "currency"},
		{"facets=price", "currency"},
		{"currency=USD&price_min=abc", "price_min"},
		{"currency=USD&price_max=1.5", "price_max"},
		{"currency=USD&price_min=-5", "price_min"},
		{"currency=USD&price_min=500&price_max=100", "price_min"},
		{"min_rating=900", "min_rating"},
		{"min_rating=four", "min_rating"},
		{"in_stock=maybe", "in_stock"},
		{"attribute=color", "attribute"},
		{"attribute=:red", "attribute"},
		{"attribute=color:", "attribute"},
		{"sort=cheapest", "sort"},
		{"page_size=1000", "page_size"},
		{"page_size=-1", "page_size"},
		{"page_size=ten", "page_size"},
		{"facets=colour", "facets"},
		{"cursor=garbage", "cursor"},
		{"cursor=" + strings.Repeat("A", 5000), "cursor"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			assertError(t, s.do(http.MethodGet, "/store/search?"+tc.query, "", nil), http.StatusBadRequest, "invalid_argument", tc.field)
		})
	}
	ids := make([]string, search.MaxFilterValues+1)
	for i := range ids {
		ids[i] = commerce.NewID[commerce.BrandID]().String()
	}
	assertError(t, s.do(http.MethodGet, "/store/search?brand="+strings.Join(ids, ","), "", nil), http.StatusBadRequest, "invalid_argument", "brand")
}

func TestStoreSearchUnavailable(t *testing.T) {
	s := newShop(t)
	svc := s.svc
	svc.Search = nil
	api, err := httpapi.New(svc, &httpapi.Options{AdminKey: adminKey, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	for _, path := range []string{"/store/search?q=x", "/store/search/suggest?q=x"} {
		rec := httptest.NewRecorder()
		api.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "%s: %s", path, rec.Body)
		assert.Contains(t, rec.Body.String(), `"code":"unavailable"`)
	}
}
