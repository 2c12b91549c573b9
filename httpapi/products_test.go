package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/search"
)

// brand creates a brand through the admin API.
func (s *shop) brand(name string) catalog.Brand {
	s.t.Helper()
	r := s.admin(http.MethodPost, "/admin/brands", catalog.BrandInput{Name: name})
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var b catalog.Brand
	r.json(s.t, &b)
	return b
}

// category creates a category, under parent if set, through the admin
// API.
func (s *shop) category(name string, parent commerce.CategoryID) catalog.Category {
	s.t.Helper()
	r := s.admin(http.MethodPost, "/admin/categories", catalog.CategoryInput{Name: name, ParentID: parent})
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var c catalog.Category
	r.json(s.t, &c)
	return c
}

// product creates a product through the admin API.
func (s *shop) product(in catalog.ProductInput) catalog.Product {
	s.t.Helper()
	r := s.admin(http.MethodPost, "/admin/products", in)
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var p catalog.Product
	r.json(s.t, &p)
	return p
}

// reindex writes every active product to the shop's search index, as a
// shop's indexer would.
func (s *shop) reindex() {
	s.t.Helper()
	x, err := search.NewIndexer(s.index, s.svc.Catalog, s.svc.Inventory, &search.IndexerOptions{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(s.t, err)
	require.NoError(s.t, x.Reindex(context.Background(), nil))
}

// usd returns amount cents.
func usd(amount int64) commerce.Money { return commerce.MustMoney(amount, "USD") }

// activeProduct is a product on sale with one variant per SKU.
func activeProduct(title string, price int64, skus ...string) catalog.ProductInput {
	in := catalog.ProductInput{Title: title, Status: catalog.StatusActive}
	for _, sku := range skus {
		in.Variants = append(in.Variants, catalog.VariantInput{SKU: sku, Prices: []commerce.Money{usd(price)}})
	}
	return in
}

// assertError checks an error reply's status, code and, when field is
// set, its field detail.
func assertError(t *testing.T, r reply, status int, code, field string) {
	t.Helper()
	require.Equal(t, status, r.status, "%s", r.body)
	var e httpapi.ErrorBody
	r.json(t, &e)
	assert.Equal(t, code, string(e.Error.Code), "%s", r.body)
	assert.NotEmpty(t, e.Error.Message)
	if field != "" {
		assert.Equal(t, field, e.Error.Details["field"], "%s", r.body)
	}
}

// collect follows a paged list from path (which has a query or not) with
// the given page size, returning every item's ID in order.
func collect[T any](t *testing.T, s *shop, token, path string, limit int, id func(T) string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for range 1000 {
		u, err := url.Parse(path)
		require.NoError(t, err)
		q := u.Query()
		q.Set("limit", strconv.Itoa(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		u.RawQuery = q.Encode()
		r := s.do(http.MethodGet, u.String(), token, nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var page httpapi.List[T]
		r.json(t, &page)
		require.NotNil(t, page.Items, "items is never null: %s", r.body)
		require.LessOrEqual(t, len(page.Items), limit)
		for _, it := range page.Items {
			ids = append(ids, id(it))
		}
		if page.NextCursor == "" {
			return ids
		}
		cursor = page.NextCursor
	}
	t.Fatal("the list never ends")
	return nil
}

func productID(p catalog.Product) string { return p.ID.String() }

func TestStoreProductsListAndFilters(t *testing.T) {
	s := newShop(t)
	acme, globex := s.brand("Acme"), s.brand("Globex")
	audio := s.category("Audio", "")
	phones := s.category("Headphones", audio.ID)
	home := s.category("Home", "")

	in := activeProduct("Acme Studio Headphones", 9900, "ACME-HP-1", "ACME-HP-2")
	in.BrandID, in.CategoryIDs = acme.ID, []commerce.CategoryID{phones.ID}
	hp := s.product(in)
	in = activeProduct("Globex Speaker", 4900, "GLX-SPK")
	in.BrandID, in.CategoryIDs = globex.ID, []commerce.CategoryID{audio.ID}
	speaker := s.product(in)
	in = activeProduct("Acme Lamp", 2900, "ACME-LAMP")
	in.BrandID, in.CategoryIDs = acme.ID, []commerce.CategoryID{home.ID}
	lamp := s.product(in)
	draft := activeProduct("Secret Prototype", 100, "PROTO-1")
	draft.Status = catalog.StatusDraft
	s.product(draft)
	archived := s.product(activeProduct("Old Radio", 1500, "RADIO-OLD"))
	r := s.admin(http.MethodPost, "/admin/products/"+archived.ID.String()+"/archive", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	all := collect(t, s, "", "/store/products", 1, productID)
	assert.Equal(t, []string{hp.ID.String(), speaker.ID.String(), lamp.ID.String()}, all, "only active products, in ID order, each once")
	assert.Equal(t, all, collect(t, s, "", "/store/products", 2, productID))

	assert.ElementsMatch(t, []string{hp.ID.String(), speaker.ID.String()},
		collect(t, s, "", "/store/products?category="+audio.ID.String(), 10, productID), "a category holds the products of the categories below it")
	assert.ElementsMatch(t, []string{hp.ID.String()},
		collect(t, s, "", "/store/products?category="+phones.ID.String(), 10, productID))
	assert.ElementsMatch(t, []string{hp.ID.String(), lamp.ID.String()},
		collect(t, s, "", "/store/products?brand="+acme.ID.String(), 10, productID))
	assert.ElementsMatch(t, []string{lamp.ID.String()},
		collect(t, s, "", "/store/products?brand="+acme.ID.String()+"&category="+home.ID.String(), 10, productID))
	assert.Empty(t, collect(t, s, "", "/store/products?brand="+commerce.NewID[commerce.BrandID]().String(), 10, productID))

	r = s.do(http.MethodGet, "/store/products?limit=2", "", nil)
	require.Equal(t, http.StatusOK, r.status)
	var page httpapi.List[catalog.Product]
	r.json(t, &page)
	require.Len(t, page.Items, 2)
	require.NotEmpty(t, page.NextCursor)
	assert.Equal(t, "ACME-HP-1", page.Items[0].Variants[0].SKU, "a listed product carries its variants and SKUs")

	for _, tc := range []struct{ query, field string }{
		{"category=nope", "category"},
		{"category=" + acme.ID.String(), "category"},
		{"brand=brand_", "brand"},
		{"limit=ten", "limit"},
		{"limit=-1", "limit"},
		{"cursor=%21%21garbage", "cursor"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			assertError(t, s.do(http.MethodGet, "/store/products?"+tc.query, "", nil), http.StatusBadRequest, "invalid_argument", tc.field)
		})
	}
}

func TestStoreProductGet(t *testing.T) {
	s := newShop(t)
	in := activeProduct("Trail Runner 2", 12900, "TR2-42", "TR2-43")
	in.Variants[0].Options = map[string]string{"size": "42"}
	in.Variants[1].Options = map[string]string{"size": "43"}
	p := s.product(in)

	for _, key := range []string{p.ID.String(), p.Handle} {
		r := s.do(http.MethodGet, "/store/products/"+key, "", nil)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var got catalog.Product
		r.json(t, &got)
		assert.Equal(t, p.ID, got.ID)
		require.Len(t, got.Variants, 2)
		assert.Equal(t, "TR2-42", got.Variants[0].SKU)
		assert.Equal(t, []commerce.Money{usd(12900)}, got.Variants[0].Prices)
	}
	assert.Equal(t, "trail-runner-2", p.Handle)

	draft := activeProduct("Unreleased Shoe", 100, "UNREL-1")
	draft.Status = catalog.StatusDraft
	d := s.product(draft)
	archived := s.product(activeProduct("Retired Shoe", 100, "RET-1"))
	r := s.admin(http.MethodPost, "/admin/products/"+archived.ID.String()+"/archive", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	for _, key := range []string{
		d.ID.String(), d.Handle, // drafts are not published
		commerce.NewID[commerce.ProductID]().String(),
		"no-such-handle", "NOT A HANDLE", "prod_", commerce.NewID[commerce.CartID]().String(),
	} {
		assertError(t, s.do(http.MethodGet, "/store/products/"+url.PathEscape(key), "", nil), http.StatusNotFound, "not_found", "")
	}

	r = s.do(http.MethodGet, "/store/products/"+archived.Handle, "", nil)
	require.Equal(t, http.StatusOK, r.status, "an archived product stays readable for past orders: %s", r.body)
	var got catalog.Product
	r.json(t, &got)
	assert.Equal(t, catalog.StatusArchived, got.Status)
}

func TestStoreReviews(t *testing.T) {
	s := newShop(t)
	p := s.product(activeProduct("Noise Cancelling Headphones", 19900, "NCH-1"))
	ada, adaToken := s.customer("ada@example.com")
	_, bobToken := s.customer("bob@example.com")
	path := "/store/products/" + p.ID.String() + "/reviews"

	assertError(t, s.do(http.MethodPost, path, "", map[string]any{"rating": 5}), http.StatusUnauthorized, "unauthenticated", "")
	assertError(t, s.do(http.MethodPost, path, adminKey, map[string]any{"rating": 5}), http.StatusUnauthorized, "unauthenticated", "")

	r := s.do(http.MethodPost, path, adaToken, map[string]any{"rating": 5, "title": "Quiet", "body": "Battery life is superb."})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var rev catalog.Review
	r.json(t, &rev)
	assert.Equal(t, ada.ID, rev.CustomerID, "the review's customer is the caller")
	assert.Equal(t, p.ID, rev.ProductID)
	assert.Equal(t, 5, rev.Rating)

	assertError(t, s.do(http.MethodPost, path, adaToken, map[string]any{"rating": 4}), http.StatusConflict, "conflict", "")
	assertError(t, s.do(http.MethodPost, path, bobToken, map[string]any{"rating": 7}), http.StatusBadRequest, "invalid_argument", "rating")
	assertError(t, s.do(http.MethodPost, path, bobToken, `{"rating":"five"}`), http.StatusBadRequest, "invalid_argument", "rating")
	assertError(t, s.do(http.MethodPost, path, bobToken, map[string]any{"rating": 4, "customer_id": ada.ID}), http.StatusBadRequest, "invalid_argument", "customer_id")
	assertError(t, s.do(http.MethodPost, path, bobToken, `{"rating":4`), http.StatusBadRequest, "invalid_argument", "")

	// By handle too.
	r = s.do(http.MethodPost, "/store/products/"+p.Handle+"/reviews", bobToken, map[string]any{"rating": 3})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)

	got := collect(t, s, "", path, 1, func(r catalog.Review) string { return r.ID.String() })
	assert.Len(t, got, 2)
	assert.Equal(t, rev.ID.String(), got[0], "oldest first")

	r = s.do(http.MethodGet, "/store/products/"+p.ID.String(), "", nil)
	var after catalog.Product
	r.json(t, &after)
	assert.Equal(t, catalog.Rating{Count: 2, Sum: 8}, after.Rating)

	unknown := "/store/products/" + commerce.NewID[commerce.ProductID]().String() + "/reviews"
	assertError(t, s.do(http.MethodGet, unknown, "", nil), http.StatusNotFound, "not_found", "")
	assertError(t, s.do(http.MethodPost, unknown, bobToken, map[string]any{"rating": 3}), http.StatusNotFound, "not_found", "")
	assertError(t, s.do(http.MethodGet, "/store/products/garbage!/reviews", "", nil), http.StatusNotFound, "not_found", "")
	assertError(t, s.do(http.MethodGet, path+"?limit=x", "", nil), http.StatusBadRequest, "invalid_argument", "limit")

	draft := activeProduct("Hidden Thing", 100, "HIDDEN-1")
	draft.Status = catalog.StatusDraft
	d := s.product(draft)
	assertError(t, s.do(http.MethodPost, "/store/products/"+d.ID.String()+"/reviews", bobToken, map[string]any{"rating": 3}), http.StatusNotFound, "not_found", "")
	r = s.admin(http.MethodPost, "/admin/products/"+p.ID.String()+"/archive", nil)
	require.Equal(t, http.StatusOK, r.status)
	_, carolToken := s.customer("carol@example.com")
	assertError(t, s.do(http.MethodPost, path, carolToken, map[string]any{"rating": 3}), http.StatusConflict, "failed_precondition", "")
}

func TestStoreBrandsAndCategories(t *testing.T) {
	s := newShop(t)
	var brands, cats []string
	for _, name := range []string{"Acme", "Globex", "Initech"} {
		brands = append(brands, s.brand(name).ID.String())
	}
	root := s.category("Clothing", "")
	child := s.category("Shirts", root.ID)
	cats = []string{root.ID.String(), child.ID.String()}

	assert.Equal(t, brands, collect(t, s, "", "/store/brands", 2, func(b catalog.Brand) string { return b.ID.String() }))
	assert.Equal(t, cats, collect(t, s, "", "/store/categories", 1, func(c catalog.Category) string { return c.ID.String() }))

	r := s.do(http.MethodGet, "/store/categories/"+child.ID.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var c catalog.Category
	r.json(t, &c)
	assert.Equal(t, []commerce.CategoryID{root.ID, child.ID}, c.Path)
	r = s.do(http.MethodGet, "/store/brands/"+brands[1], "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var b catalog.Brand
	r.json(t, &b)
	assert.Equal(t, "Globex", b.Name)
	assert.Equal(t, "globex", b.Handle)

	for _, path := range []string{
		"/store/brands/" + commerce.NewID[commerce.BrandID]().String(),
		"/store/brands/acme",
		"/store/brands/" + root.ID.String(),
		"/store/categories/" + commerce.NewID[commerce.CategoryID]().String(),
		"/store/categories/clothing",
	} {
		assertError(t, s.do(http.MethodGet, path, "", nil), http.StatusNotFound, "not_found", "")
	}
	assertError(t, s.do(http.MethodGet, "/store/brands?limit=-5", "", nil), http.StatusBadRequest, "invalid_argument", "limit")
	assertError(t, s.do(http.MethodGet, "/store/categories?cursor=zzz", "", nil), http.StatusBadRequest, "invalid_argument", "cursor")
}
