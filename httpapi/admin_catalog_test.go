package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
)

// TestAdminRoutesNeedTheAdminKey sends every admin route no key, a wrong
// key, a malformed header and a customer's session token: each is 401
// before the route does anything.
func TestAdminRoutesNeedTheAdminKey(t *testing.T) {
	s := newShop(t)
	_, token := s.customer("ada@example.com")
	param := regexp.MustCompile(`\{[^}]+\}`)
	n := 0
	for _, rt := range s.api.Routes() {
		if !strings.HasPrefix(rt.Path, "/admin/") {
			continue
		}
		require.Equal(t, httpapi.Admin, rt.Auth, "%s %s", rt.Method, rt.Path)
		n++
		path := param.ReplaceAllString(rt.Path, "x")
		for name, auth := range map[string]string{"none": "", "wrong key": "not-the-key", "customer": token} {
			r := s.do(rt.Method, path, auth, "{}")
			assert.Equal(t, http.StatusUnauthorized, r.status, "%s %s with %s: %s", rt.Method, rt.Path, name, r.body)
			assert.Equal(t, "unauthenticated", r.errorCode(t))
		}
		r := s.do(rt.Method, path, "", "{}", "Authorization", "Basic "+adminKey)
		assert.Equal(t, http.StatusUnauthorized, r.status, "%s %s with Basic auth", rt.Method, rt.Path)
	}
	assert.GreaterOrEqual(t, n, 20, "the catalog and inventory admin routes are registered")

	// Without a configured key the admin API is off.
	api, err := httpapi.New(s.svc, &httpapi.Options{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/admin/products", nil)
	req.Header.Set("Authorization", "Bearer "+adminKey)
	api.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusForbidden, rec.Code, "%s", rec.Body)
}

func TestAdminBrandsAndCategories(t *testing.T) {
	s := newShop(t)
	b := s.brand("Acme Corp")
	assert.Equal(t, "acme-corp", b.Handle)
	r := s.admin(http.MethodGet, "/admin/brands/"+b.ID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, []string{b.ID.String()}, collect(t, s, adminKey, "/admin/brands", 10, func(b catalog.Brand) string { return b.ID.String() }))

	assertError(t, s.admin(http.MethodPost, "/admin/brands", map[string]any{"name": "Other", "handle": "acme-corp"}), http.StatusConflict, "conflict", "")
	assertError(t, s.admin(http.MethodPost, "/admin/brands", map[string]any{"name": ""}), http.StatusBadRequest, "invalid_argument", "name")
	assertError(t, s.admin(http.MethodPost, "/admin/brands", map[string]any{"name": "X", "handle": "Not A Handle"}), http.StatusBadRequest, "invalid_argument", "handle")
	assertError(t, s.admin(http.MethodPost, "/admin/brands", map[string]any{"name": "X", "logo": "x.png"}), http.StatusBadRequest, "invalid_argument", "logo")
	assertError(t, s.admin(http.MethodPost, "/admin/brands", map[string]any{"name": 42}), http.StatusBadRequest, "invalid_argument", "name")
	assertError(t, s.admin(http.MethodGet, "/admin/brands/"+commerce.NewID[commerce.BrandID]().String(), nil), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodGet, "/admin/brands/nope", nil), http.StatusNotFound, "not_found", "")

	root := s.category("Clothing", "")
	child := s.category("Shirts", root.ID)
	assert.Equal(t, []commerce.CategoryID{root.ID, child.ID}, child.Path)
	r = s.admin(http.MethodGet, "/admin/categories/"+child.ID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Len(t, collect(t, s, adminKey, "/admin/categories", 1, func(c catalog.Category) string { return c.ID.String() }), 2)

	assertError(t, s.admin(http.MethodPost, "/admin/categories", map[string]any{"name": "Ghost", "parent_id": commerce.NewID[commerce.CategoryID]()}), http.StatusConflict, "failed_precondition", "parent_id")
	assertError(t, s.admin(http.MethodPost, "/admin/categories", map[string]any{"name": "Bad", "parent_id": "cat_nope"}), http.StatusBadRequest, "invalid_argument", "")
	assertError(t, s.admin(http.MethodPost, "/admin/categories", map[string]any{"name": "Shirts", "handle": "shirts"}), http.StatusConflict, "conflict", "")
	assertError(t, s.admin(http.MethodGet, "/admin/categories/"+commerce.NewID[commerce.CategoryID]().String(), nil), http.StatusNotFound, "not_found", "")
}

func TestAdminProductsCRUD(t *testing.T) {
	s := newShop(t)
	brand := s.brand("Acme")
	cat := s.category("Shoes", "")

	// A draft first: the admin API sees it, the store does not.
	in := catalog.ProductInput{
		Title: "Trail Runner", BrandID: brand.ID, CategoryIDs: []commerce.CategoryID{cat.ID},
		Attributes: map[string]string{"color": "blue"},
		Variants:   []catalog.VariantInput{{SKU: "TR-42", Options: map[string]string{"size": "42"}, Prices: []commerce.Money{usd(12900)}}},
	}
	p := s.product(in)
	assert.Equal(t, catalog.StatusDraft, p.Status)
	assert.Equal(t, "trail-runner", p.Handle)
	require.Len(t, p.Variants, 1)
	assertError(t, s.do(http.MethodGet, "/store/products/"+p.ID.String(), "", nil), http.StatusNotFound, "not_found", "")
	r := s.admin(http.MethodGet, "/admin/products/"+p.ID.String(), nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	// PATCH: publish and rename.
	r = s.admin(http.MethodPatch, "/admin/products/"+p.ID.String(), map[string]any{"status": "active", "title": "Trail Runner 2"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got catalog.Product
	r.json(t, &got)
	assert.Equal(t, catalog.StatusActive, got.Status)
	assert.Equal(t, "Trail Runner 2", got.Title)
	assert.Equal(t, "trail-runner", got.Handle, "absent fields are left alone")
	r = s.do(http.MethodGet, "/store/products/"+p.ID.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)

	// Variants: add, replace, delete.
	r = s.admin(http.MethodPost, "/admin/products/"+p.ID.String()+"/variants", catalog.VariantInput{SKU: "TR-43", Options: map[string]string{"size": "43"}, Prices: []commerce.Money{usd(12900)}})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var v catalog.Variant
	r.json(t, &v)
	assert.Equal(t, "TR-43", v.SKU)
	assert.Equal(t, p.ID, v.ProductID)
	vpath := "/admin/products/" + p.ID.String() + "/variants/" + v.ID.String()
	r = s.admin(http.MethodPut, vpath, catalog.VariantInput{SKU: "TR-43", Options: map[string]string{"size": "43"}, Prices: []commerce.Money{usd(9900)}, CompareAt: []commerce.Money{usd(12900)}})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r.json(t, &v)
	assert.Equal(t, []commerce.Money{usd(9900)}, v.Prices)
	assertError(t, s.admin(http.MethodPost, "/admin/products/"+p.ID.String()+"/variants", catalog.VariantInput{SKU: "TR-42", Prices: []commerce.Money{usd(1)}}), http.StatusBadRequest, "invalid_argument", "variants[2].sku")
	taken := s.product(catalog.ProductInput{Title: "Sock", Variants: []catalog.VariantInput{{SKU: "SOCK-1", Prices: []commerce.Money{usd(500)}}}})
	assertError(t, s.admin(http.MethodPost, "/admin/products/"+p.ID.String()+"/variants", catalog.VariantInput{SKU: "SOCK-1", Prices: []commerce.Money{usd(1)}}), http.StatusConflict, "conflict", "")
	r = s.admin(http.MethodDelete, "/admin/products/"+taken.ID.String(), nil)
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	assertError(t, s.admin(http.MethodPost, "/admin/products/"+p.ID.String()+"/variants", catalog.VariantInput{SKU: "bad sku", Prices: []commerce.Money{usd(1)}}), http.StatusBadRequest, "invalid_argument", "variant.sku")
	assertError(t, s.admin(http.MethodPost, "/admin/products/"+p.ID.String()+"/variants", `{"sku":"TR-44","prices":[{"amount":100,"currency":"XXX"}]}`), http.StatusBadRequest, "invalid_argument", "prices[0]")
	assertError(t, s.admin(http.MethodPost, "/admin/products/"+p.ID.String()+"/variants", `{"sku":"TR-44"}`), http.StatusBadRequest, "invalid_argument", "variant.prices")
	assertError(t, s.admin(http.MethodPut, vpath, `{"sku":"TR-43","prices":[{"amount":100,"currency":"USD"}],"colour":"red"}`), http.StatusBadRequest, "invalid_argument", "colour")
	assertError(t, s.admin(http.MethodPut, "/admin/products/"+p.ID.String()+"/variants/"+commerce.NewID[commerce.VariantID]().String(), catalog.VariantInput{SKU: "TR-45", Prices: []commerce.Money{usd(1)}}), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodPut, "/admin/products/"+p.ID.String()+"/variants/var_nope", catalog.VariantInput{SKU: "TR-45", Prices: []commerce.Money{usd(1)}}), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodPost, "/admin/products/"+commerce.NewID[commerce.ProductID]().String()+"/variants", catalog.VariantInput{SKU: "TR-46", Prices: []commerce.Money{usd(1)}}), http.StatusNotFound, "not_found", "")

	r = s.admin(http.MethodDelete, vpath, nil)
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	assertError(t, s.admin(http.MethodDelete, vpath, nil), http.StatusNotFound, "not_found", "")
	r = s.admin(http.MethodGet, "/admin/products/"+p.ID.String(), nil)
	r.json(t, &got)
	require.Len(t, got.Variants, 1)
	assertError(t, s.admin(http.MethodDelete, "/admin/products/"+p.ID.String()+"/variants/"+got.Variants[0].ID.String(), nil),
		http.StatusConflict, "failed_precondition", "status")

	// Bad patches.
	ppath := "/admin/products/" + p.ID.String()
	assertError(t, s.admin(http.MethodPatch, ppath, map[string]any{"handle": "Bad Handle"}), http.StatusBadRequest, "invalid_argument", "handle")
	assertError(t, s.admin(http.MethodPatch, ppath, map[string]any{"status": "sold"}), http.StatusBadRequest, "invalid_argument", "status")
	assertError(t, s.admin(http.MethodPatch, ppath, map[string]any{"title": ""}), http.StatusBadRequest, "invalid_argument", "title")
	assertError(t, s.admin(http.MethodPatch, ppath, map[string]any{"price": 5}), http.StatusBadRequest, "invalid_argument", "price")
	assertError(t, s.admin(http.MethodPatch, ppath, map[string]any{"title": []int{1}}), http.StatusBadRequest, "invalid_argument", "title")
	assertError(t, s.admin(http.MethodPatch, ppath, map[string]any{"brand_id": commerce.NewID[commerce.BrandID]()}), http.StatusConflict, "failed_precondition", "")
	assertError(t, s.admin(http.MethodPatch, ppath, map[string]any{"images": []string{"ftp://x"}}), http.StatusBadRequest, "invalid_argument", "images[0]")
	assertError(t, s.admin(http.MethodPatch, "/admin/products/"+commerce.NewID[commerce.ProductID]().String(), map[string]any{"title": "x"}), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodPatch, "/admin/products/trail-runner", map[string]any{"title": "x"}), http.StatusNotFound, "not_found", "")

	// Bad creates.
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"handle": "x"}), http.StatusBadRequest, "invalid_argument", "title")
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"title": 5}), http.StatusBadRequest, "invalid_argument", "title")
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"title": "Y", "sku": "Y-1"}), http.StatusBadRequest, "invalid_argument", "sku")
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"title": "Trail Runner"}), http.StatusConflict, "conflict", "")
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"title": "Z", "status": "active"}), http.StatusConflict, "failed_precondition", "status")
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"title": "Z", "variants": []any{map[string]any{"sku": "TR-42", "prices": []any{map[string]any{"amount": 1, "currency": "USD"}}}}}), http.StatusConflict, "conflict", "")
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"title": "Z", "variants": []any{map[string]any{"sku": "Z-1", "prices": []any{map[string]any{"amount": -1, "currency": "USD"}}}}}), http.StatusBadRequest, "invalid_argument", "variants[0].prices")
	assertError(t, s.admin(http.MethodPost, "/admin/products", map[string]any{"title": "Z", "category_ids": []string{"cat_bogus"}}), http.StatusBadRequest, "invalid_argument", "")
	assertError(t, s.admin(http.MethodPost, "/admin/products", ""), http.StatusBadRequest, "invalid_argument", "")
	assertError(t, s.admin(http.MethodPost, "/admin/products", `{"title":"Big","description":"`+strings.Repeat("x", 2<<20)+`"}`), http.StatusRequestEntityTooLarge, "invalid_argument", "")

	// Lists: every status, filters.
	other := s.product(catalog.ProductInput{Title: "Sandal"})
	all := collect(t, s, adminKey, "/admin/products", 1, productID)
	assert.Equal(t, []string{p.ID.String(), other.ID.String()}, all)
	assert.Equal(t, []string{other.ID.String()}, collect(t, s, adminKey, "/admin/products?status=draft", 10, productID))
	assert.Equal(t, []string{p.ID.String()}, collect(t, s, adminKey, "/admin/products?status=active&brand="+brand.ID.String()+"&category="+cat.ID.String(), 10, productID))
	assertError(t, s.admin(http.MethodGet, "/admin/products?status=gone", nil), http.StatusBadRequest, "invalid_argument", "status")
	assertError(t, s.admin(http.MethodGet, "/admin/products?brand=x", nil), http.StatusBadRequest, "invalid_argument", "brand")

	// Archive, then delete.
	r = s.admin(http.MethodPost, ppath+"/archive", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r.json(t, &got)
	assert.Equal(t, catalog.StatusArchived, got.Status)
	assert.Empty(t, collect(t, s, "", "/store/products", 10, productID))
	assertError(t, s.admin(http.MethodPost, "/admin/products/"+commerce.NewID[commerce.ProductID]().String()+"/archive", nil), http.StatusNotFound, "not_found", "")

	r = s.admin(http.MethodDelete, ppath, nil)
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	assert.Empty(t, r.body)
	assertError(t, s.admin(http.MethodGet, ppath, nil), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodDelete, ppath, nil), http.StatusNotFound, "not_found", "")
	assertError(t, s.admin(http.MethodDelete, "/admin/products/import", nil), http.StatusNotFound, "not_found", "")
}

// ndjson joins rows into an NDJSON body.
func ndjson(rows ...string) string { return strings.Join(rows, "\n") + "\n" }

func importRow(handle, sku string) string {
	return fmt.Sprintf(`{"handle":%q,"title":"Product %s","status":"active","variants":[{"sku":%q,"prices":[{"amount":1000,"currency":"USD"}]}]}`, handle, handle, sku)
}

func TestAdminImport(t *testing.T) {
	s := newShop(t)
	body := ndjson(
		importRow("alpha", "A-1"),     // line 1
		"",                            // line 2: blank lines are skipped
		importRow("beta", "B-1"),      // line 3
		`{"handle":"broken","title":`, // line 4: malformed
		`{"handle":"gamma","title":"Gamma","colour":"red"}`, // line 5: unknown field
		importRow("delta", "A-1"),                           // line 6: SKU taken by line 1
		`{"handle":"epsilon","title":"Epsilon","variants":[{"sku":"E-1","prices":[{"amount":"ten","currency":"USD"}]}]}`, // line 7: wrong type
		`{"title":""}`, // line 8: no title
		importRow("zeta", "Z-1")+` {"title":"two objects"}`, // line 9: two values on a line
		`   `+importRow("eta", "H-1")+`   `,                 // line 10: surrounding space is fine
	)
	r := s.admin(http.MethodPost, "/admin/products/import", body, "Content-Type", "application/x-ndjson")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var res httpapi.ImportResponse
	r.json(t, &res)
	assert.Equal(t, 3, res.Done, "%s", r.body)
	assert.Equal(t, 6, res.Failed, "%s", r.body)
	lines := map[int]httpapi.ImportRowError{}
	for _, e := range res.Errors {
		lines[e.Line] = e
		want := commerce.CodeInvalidArgument
		if e.Line == 6 {
			want = commerce.CodeConflict
		}
		assert.Equal(t, want, e.Code, "line %d: %+v", e.Line, e)
		assert.NotEmpty(t, e.Message)
	}
	assert.Len(t, lines, 6)
	for _, l := range []int{4, 5, 6, 7, 8, 9} {
		assert.Contains(t, lines, l, "line %d is reported", l)
	}
	assert.Equal(t, "colour", lines[5].Field)
	assert.Equal(t, "gamma", lines[5].Handle)
	assert.Equal(t, "delta", lines[6].Handle)
	assert.Equal(t, "variants[0].prices[0]", lines[7].Field)
	assert.Equal(t, "title", lines[8].Field)

	for _, h := range []string{"alpha", "beta", "eta"} {
		r := s.do(http.MethodGet, "/store/products/"+h, "", nil)
		assert.Equal(t, http.StatusOK, r.status, "%s: %s", h, r.body)
	}
	for _, h := range []string{"delta", "gamma", "zeta"} {
		r := s.do(http.MethodGet, "/store/products/"+h, "", nil)
		assert.Equal(t, http.StatusNotFound, r.status, "%s: %s", h, r.body)
	}

	// Other content types are refused; none means NDJSON.
	assertError(t, s.admin(http.MethodPost, "/admin/products/import", ndjson(importRow("theta", "T-1")), "Content-Type", "text/csv"), http.StatusBadRequest, "invalid_argument", "")
	r = s.admin(http.MethodPost, "/admin/products/import", ndjson(importRow("theta", "T-1")), "Content-Type", "application/jsonl")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = s.admin(http.MethodPost, "/admin/products/import", "", "Content-Type", "application/x-ndjson")
	require.Equal(t, http.StatusOK, r.status, "an empty import imports nothing: %s", r.body)
	r.json(t, &res)
	assert.Equal(t, httpapi.ImportResponse{Errors: []httpapi.ImportRowError{}}, res)
}

// TestAdminImportLines imports more rows than one chunk holds, with bad
// rows far into the body: each is reported by its line.
func TestAdminImportLines(t *testing.T) {
	s := newShop(t)
	var b strings.Builder
	bad := map[int]bool{3: true, 777: true, 1203: true}
	const rows = 1250
	for line := 1; line <= rows; line++ {
		if bad[line] {
			b.WriteString(`{"title":"Bad","variants":[{"sku":"not a sku","prices":[{"amount":1,"currency":"USD"}]}]}` + "\n")
			continue
		}
		b.WriteString(importRow(fmt.Sprintf("p-%d", line), fmt.Sprintf("SKU-%d", line)) + "\n")
	}
	// A SKU repeated across chunks is refused by the store.
	b.WriteString(importRow("p-dup", "SKU-1") + "\n")
	r := s.admin(http.MethodPost, "/admin/products/import", b.String(), "Content-Type", "application/x-ndjson")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var res httpapi.ImportResponse
	r.json(t, &res)
	assert.Equal(t, rows-len(bad), res.Done)
	assert.Equal(t, len(bad)+1, res.Failed)
	var lines []int
	for _, e := range res.Errors {
		lines = append(lines, e.Line)
	}
	assert.Equal(t, []int{3, 777, 1203, rows + 1}, lines)
	assert.Equal(t, "variants[0].sku", res.Errors[0].Field)
	assert.Equal(t, commerce.CodeConflict, res.Errors[3].Code)

	r = s.admin(http.MethodGet, "/admin/products?limit=500&status=active", nil)
	require.Equal(t, http.StatusOK, r.status)
}

// unsized hides a reader's length, so the client sends it chunked
// without a Content-Length.
type unsized struct{ io.Reader }

func TestAdminImportTooLarge(t *testing.T) {
	s := newShop(t)
	const limit = 150_000
	api, err := httpapi.New(s.svc, &httpapi.Options{AdminKey: adminKey, ImportMaxBytes: limit, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)

	// Over two import chunks fit under the limit, the whole body does not.
	var b strings.Builder
	for i := range 2000 {
		b.WriteString(importRow(fmt.Sprintf("big-%d", i), fmt.Sprintf("BIG-%d", i)) + "\n")
	}
	require.Greater(t, b.Len(), limit)
	post := func(body io.Reader) (int, httpapi.ErrorBody) {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/admin/products/import", body)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+adminKey)
		req.Header.Set("Content-Type", "application/x-ndjson")
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var e httpapi.ErrorBody
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		if resp.StatusCode != http.StatusOK {
			require.NoError(t, json.Unmarshal(raw, &e), "%s", raw)
		}
		return resp.StatusCode, e
	}

	// With a Content-Length over the limit nothing is read.
	status, e := post(strings.NewReader(b.String()))
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.EqualValues(t, limit, e.Error.Details["limit_bytes"])
	assert.Empty(t, collect(t, s, adminKey, "/admin/products", 500, productID), "nothing imported")

	// Sent chunked, the limit stops the stream; the answer says what
	// was created before it.
	status, e = post(unsized{bytes.NewReader([]byte(b.String()))})
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.EqualValues(t, limit, e.Error.Details["limit_bytes"])
	done, ok := e.Error.Details["done"].(float64)
	require.True(t, ok, "%v", e.Error.Details)
	assert.Positive(t, done, "the chunks before the limit are committed")
	assert.Len(t, collect(t, s, adminKey, "/admin/products", 500, productID), int(done))

	// Under the limit it goes through.
	status, _ = post(strings.NewReader(ndjson(importRow("small", "SMALL-1"))))
	assert.Equal(t, http.StatusOK, status)
}
