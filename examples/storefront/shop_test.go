package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/search"
)

// get fetches url with client and returns the status and body.
func get(t *testing.T, client *http.Client, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// postForm posts a form and returns the response, its body read.
func postForm(t *testing.T, client *http.Client, url string, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// api sends a JSON request to the shop's API and decodes the answer into
// out (when not nil).
func (ts *testShop) api(t *testing.T, method, path string, body any, out any, header ...string) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, ts.url+"/api"+path, rd)
	require.NoError(t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if out != nil && resp.StatusCode < 300 {
		require.NoError(t, json.Unmarshal(raw, out), "%s %s: %s", method, path, raw)
	}
	if resp.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode
}

func TestRunStartsTheShopAndPrintsWhereItIs(t *testing.T) {
	ts := startShop(t, Config{})

	status, body := get(t, http.DefaultClient, ts.url+"/healthz")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "ok\n", body)

	out := ts.out.String()
	for _, want := range []string{
		"Mercato demo shop ready in",
		"seeded " + strconv.Itoa(testProducts) + " products",
		ts.url + "/",
		ts.url + "/admin",
		ts.url + "/api/openapi.json",
		"admin key " + ts.cfg.AdminKey + " (generated",
	} {
		assert.Contains(t, out, want)
	}
	assert.Len(t, ts.cfg.AdminKey, 32, "a generated admin key has 128 bits")

	status, body = get(t, http.DefaultClient, ts.url+"/api/openapi.json")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"openapi"`)
}

func TestAdminKeyFromTheEnvironmentIsNotPrinted(t *testing.T) {
	ts := startShop(t, Config{AdminKey: "a-chosen-admin-key-of-some-length"})
	assert.Contains(t, ts.out.String(), "admin key from MERCATO_ADMIN_KEY")
	assert.NotContains(t, ts.out.String(), "a-chosen-admin-key-of-some-length")
	status := ts.api(t, http.MethodGet, "/admin/orders", nil, nil, "Authorization", "Bearer a-chosen-admin-key-of-some-length")
	assert.Equal(t, http.StatusOK, status)
	status = ts.api(t, http.MethodGet, "/admin/orders", nil, nil, "Authorization", "Bearer wrong")
	assert.Equal(t, http.StatusUnauthorized, status)
}

// The seeded catalog is in the search index, and a checkout through the
// JSON API confirms an order, takes the stock and notifies the buyer.
func TestAPISearchAndCheckout(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	p, v := ts.stockedVariant(t, 2)
	before, err := ts.stock.Available(ctx, v.SKU)
	require.NoError(t, err)

	var res search.Result
	q := url.Values{"q": {p.Title}, "facets": {"brand,category"}}
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodGet, "/store/search?"+q.Encode(), nil, &res))
	require.NotEmpty(t, res.Hits)
	assert.Equal(t, p.ID, res.Hits[0].ProductID, "the product's own title finds it first")
	assert.Contains(t, res.Hits[0].Document.SKUs, v.SKU)
	assert.NotEmpty(t, res.Facets["brand"])

	var all search.Result
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodGet, "/store/search?page_size=1", nil, &all))
	active, err := ts.catalog.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, commerce.PageRequest{Limit: commerce.MaxPageLimit})
	require.NoError(t, err)
	assert.Equal(t, len(active.Items), all.Total, "every product on sale is indexed")

	var c struct {
		ID    commerce.CartID `json:"id"`
		Token string          `json:"cart_token"`
	}
	require.Equal(t, http.StatusCreated, ts.api(t, http.MethodPost, "/store/carts", map[string]string{}, &c))
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodPost, "/store/carts/"+c.ID.String()+"/items", map[string]any{"sku": v.SKU, "quantity": 2}, nil, httpapi.CartTokenHeader, c.Token))

	checkout := map[string]any{
		"email":          "grace@example.com",
		"payment_method": "pm_card_visa",
		"shipping_address": map[string]string{
			"name": "Grace Hopper", "line1": "1 Navy Way", "city": "Arlington", "postal_code": "22201", "country": "US",
		},
	}
	var o httpapi.CheckoutResponse
	require.Equal(t, http.StatusCreated, ts.api(t, http.MethodPost, "/store/carts/"+c.ID.String()+"/checkout", checkout, &o, "Idempotency-Key", "api-test-1", httpapi.CartTokenHeader, c.Token))
	assert.Equal(t, order.StatusConfirmed, o.Status)
	require.Len(t, o.Lines, 1)
	assert.Equal(t, v.SKU, o.Lines[0].SKU)

	var again order.Order
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodPost, "/store/carts/"+c.ID.String()+"/checkout", checkout, &again, "Idempotency-Key", "api-test-1", httpapi.CartTokenHeader, c.Token))
	assert.Equal(t, o.ID, again.ID, "the same key is the same order")

	var got order.Order
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodGet, "/store/orders/"+o.ID.String(), nil, &got, httpapi.OrderTokenHeader, o.OrderToken))
	assert.Equal(t, order.StatusConfirmed, got.Status)

	after, err := ts.stock.Available(ctx, v.SKU)
	require.NoError(t, err)
	assert.Equal(t, before-2, after, "the order took its units")
	ts.logs.notification(t, "order.confirmed", "grace@example.com")
	if ts.b.fake != nil {
		assert.Len(t, ts.b.fake.Charges(), 1, "one charge for one key")
	}
}

// cartOf returns the active cart the jar's cookie names.
func (ts *testShop) cartOf(t *testing.T, jar http.CookieJar) (cart.Cart, bool) {
	t.Helper()
	u, err := url.Parse(ts.url)
	require.NoError(t, err)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == cartCookie {
			id, ok := ts.web.cookies.verify(cartCookie, ck.Value)
			require.True(t, ok, "the shop signs the cart cookie")
			c, err := ts.carts.Get(context.Background(), commerce.CartID(id))
			return c, err == nil && c.Status == cart.StatusActive
		}
	}
	return cart.Cart{}, false
}

// withToken adds to form the CSRF token of the browser whose cookies jar
// holds, as every form of the shop's pages carries it.
func (ts *testShop) withToken(t *testing.T, jar http.CookieJar, form url.Values) url.Values {
	t.Helper()
	u, err := url.Parse(ts.url)
	require.NoError(t, err)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == csrfCookie {
			form.Set(csrfField, base64.RawURLEncoding.EncodeToString(ts.web.cookies.mac(csrfCookie, ck.Value)))
			return form
		}
	}
	t.Fatalf("no %s cookie: the browser has seen no page yet", csrfCookie)
	return nil
}

// The web shop end to end without a browser: search, product page, cart
// (add, change, remove), a declined and an approved checkout, the order
// page, the notification, and the admin moving the order on and setting
// stock.
func TestWebShopFlow(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	p, v := ts.stockedVariant(t, 3)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := noRedirects(jar)

	status, body := get(t, client, ts.url+"/")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `class="product-link"`)
	assert.Contains(t, body, "Category")

	status, body = get(t, client, ts.url+"/search?"+url.Values{"q": {p.Title}, "instock": {"1"}}.Encode())
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `href="/products/`+p.Handle+`"`)
	assert.Contains(t, body, "In stock only ×", "the active filter can be removed")

	status, body = get(t, client, ts.url+"/products/"+p.Handle)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, v.SKU)
	assert.Contains(t, body, `data-sku="`+v.SKU+`"`)

	status, _ = get(t, client, ts.url+"/products/no-such-product")
	assert.Equal(t, http.StatusNotFound, status)

	resp, _ := postForm(t, client, ts.url+"/cart/items", ts.withToken(t, jar, url.Values{"sku": {v.SKU}, "quantity": {"1"}}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/cart", resp.Header.Get("Location"))
	c, ok := ts.cartOf(t, jar)
	require.True(t, ok, "the cart cookie names the cart")
	require.Len(t, c.Lines, 1)

	resp, _ = postForm(t, client, ts.url+"/cart/items", ts.withToken(t, jar, url.Values{"sku": {v.SKU}, "quantity": {"1"}}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, _ = postForm(t, client, ts.url+"/cart/lines/"+c.Lines[0].ID.String()+"/quantity", ts.withToken(t, jar, url.Values{"quantity": {"3"}}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	c, _ = ts.cartOf(t, jar)
	require.Len(t, c.Lines, 1)
	assert.Equal(t, 3, c.Lines[0].Quantity)
	status, body = get(t, client, ts.url+"/cart")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `id="checkout-link"`)

	resp, _ = postForm(t, client, ts.url+"/cart/lines/"+c.Lines[0].ID.String()+"/remove", ts.withToken(t, jar, url.Values{}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	c, _ = ts.cartOf(t, jar)
	assert.Empty(t, c.Lines)
	resp, _ = postForm(t, client, ts.url+"/cart/items", ts.withToken(t, jar, url.Values{"sku": {v.SKU}, "quantity": {"2"}}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	status, body = get(t, client, ts.url+"/checkout")
	require.Equal(t, http.StatusOK, status)
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
	require.Len(t, key, 2, "the form carries its idempotency key")
	assert.Contains(t, body, `value="pm_card_visa"`, "the payment method defaults to pm_card_visa")

	form := url.Values{
		"key": {key[1]}, "email": {"ada@example.com"}, "name": {"Ada Lovelace"}, "line1": {"12 St James's Square"},
		"city": {"London"}, "postal_code": {"SW1Y 4JH"}, "country": {"GB"}, "payment_method": {"pm_card_chargeDeclined"},
	}
	resp, body = postForm(t, client, ts.url+"/checkout", ts.withToken(t, jar, form))
	require.Equal(t, http.StatusPaymentRequired, resp.StatusCode)
	assert.Contains(t, body, "Payment declined")
	assert.NotContains(t, body, key[1], "a declined key is spent: the form gets a new one")

	form.Set("payment_method", "pm_card_visa")
	resp, _ = postForm(t, client, ts.url+"/checkout", ts.withToken(t, jar, form))
	require.Equal(t, http.StatusConflict, resp.StatusCode, "the spent key with another card is refused, never answered with its declined order")
	form.Set("key", "web-test-second-key")
	resp, _ = postForm(t, client, ts.url+"/checkout", ts.withToken(t, jar, form))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	m := regexp.MustCompile(`^/orders/(ord_[0-9A-Z]+)\?placed=1$`).FindStringSubmatch(loc)
	require.Len(t, m, 2, "redirected to the order: %s", loc)
	orderID := commerce.OrderID(m[1])

	o, err := ts.orders.Get(ctx, orderID)
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, "ada@example.com", o.Email)
	status, body = get(t, client, ts.url+loc)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `id="order-status" class="st-confirmed">confirmed<`)
	assert.Contains(t, body, "Thank you!")
	_, ok = ts.cartOf(t, jar)
	assert.False(t, ok, "the cart is gone once checked out")
	status, body = get(t, client, ts.url+"/account/orders")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "/orders/"+orderID.String())

	ts.logs.notification(t, "order.confirmed", "ada@example.com")
	ts.logs.notification(t, "order.cancelled", "ada@example.com") // the declined attempt
	deliveries, err := ts.b.notes.ListByOrder(ctx, orderID, commerce.PageRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, deliveries.Items)
	assert.Equal(t, "order.confirmed", deliveries.Items[0].Event)
	assert.Equal(t, notify.Email, deliveries.Items[0].Kind)

	// The admin: the login is required, then the order moves on.
	adminJar, err := cookiejar.New(nil)
	require.NoError(t, err)
	admin := noRedirects(adminJar)
	status, _ = get(t, admin, ts.url+"/admin")
	assert.Equal(t, http.StatusSeeOther, status)
	resp, _ = postForm(t, admin, ts.url+"/admin/orders/"+orderID.String()+"/transition", ts.withToken(t, adminJar, url.Values{"to": {"processing"}}))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, body = postForm(t, admin, ts.url+"/admin/login", ts.withToken(t, adminJar, url.Values{"key": {"not the key"}}))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, "not the admin key")
	resp, _ = postForm(t, admin, ts.url+"/admin/login", ts.withToken(t, adminJar, url.Values{"key": {ts.cfg.AdminKey}, "next": {"/admin"}}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	status, body = get(t, admin, ts.url+"/admin")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `id="order-`+orderID.String()+`"`)
	assert.Contains(t, body, `value="processing"`)
	assert.NotContains(t, body, ts.cfg.AdminKey, "the page never shows the key")

	for _, to := range []order.Status{order.StatusProcessing, order.StatusPacked, order.StatusShipped} {
		resp, _ = postForm(t, admin, ts.url+"/admin/orders/"+orderID.String()+"/transition", ts.withToken(t, adminJar, url.Values{"to": {string(to)}, "tracking": {"TRACK-1"}, "back": {"/admin"}}))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, "to %s", to)
	}
	o, err = ts.orders.Get(ctx, orderID)
	require.NoError(t, err)
	assert.Equal(t, order.StatusShipped, o.Status)
	require.NotNil(t, o.Shipment)
	assert.Equal(t, "TRACK-1", o.Shipment.TrackingNumber)
	ts.logs.notification(t, "order.shipped", "ada@example.com")
	resp, body = postForm(t, admin, ts.url+"/admin/orders/"+orderID.String()+"/transition", ts.withToken(t, adminJar, url.Values{"to": {"refunded"}}))
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "no arrow from shipped to refunded")
	assert.Contains(t, body, "cannot become refunded")

	status, body = get(t, admin, ts.url+"/admin/stock?q="+url.QueryEscape(v.SKU))
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, v.SKU)
	resp, _ = postForm(t, admin, ts.url+"/admin/stock", ts.withToken(t, adminJar, url.Values{"sku": {v.SKU}, "on_hand": {"42"}, "back": {"/admin/stock?q=" + v.SKU}}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	avail, err := ts.stock.Available(ctx, v.SKU)
	require.NoError(t, err)
	assert.Equal(t, 42, avail)
}

func TestBrowseFiltersAndFacets(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	all, err := ts.search.Search(ctx, search.Query{Currency: shopCurrency, Facets: []string{search.FacetCategory, search.FacetBrand}})
	require.NoError(t, err)
	require.NotEmpty(t, all.Facets[search.FacetCategory])
	top := all.Facets[search.FacetCategory][0]
	brand := all.Facets[search.FacetBrand][0]
	client := noRedirects(nil)
	total := regexp.MustCompile(`<span id="total">(\d+)</span>`)

	cases := []struct {
		name  string
		query url.Values
		want  search.Query
	}{
		{"category", url.Values{"category": {top.Value}}, search.Query{CategoryIDs: []commerce.CategoryID{commerce.CategoryID(top.Value)}}},
		{"brand", url.Values{"brand": {brand.Value}}, search.Query{BrandIDs: []commerce.BrandID{commerce.BrandID(brand.Value)}}},
		{"price", url.Values{"min": {"25"}, "max": {"99.99"}}, search.Query{PriceMin: money(t, "25"), PriceMax: money(t, "99.99")}},
		{"rating", url.Values{"rating": {"4"}}, search.Query{MinRating: 400}},
		{"in stock", url.Values{"instock": {"1"}}, search.Query{InStockOnly: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.Currency = shopCurrency
			want, err := ts.search.Search(ctx, tc.want)
			require.NoError(t, err)
			status, body := get(t, client, ts.url+"/search?"+tc.query.Encode())
			require.Equal(t, http.StatusOK, status)
			m := total.FindStringSubmatch(body)
			require.Len(t, m, 2)
			assert.Equal(t, strconv.Itoa(want.Total), m[1])
			assert.Contains(t, body, `class="chip"`, "the filter is listed as active")
		})
	}

	status, body := get(t, client, ts.url+"/search?min=cheap")
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "ignored", "a price that does not parse is reported, not fatal")
	status, _ = get(t, client, ts.url+"/search?cursor=garbage")
	assert.Equal(t, http.StatusOK, status, "a stale cursor starts over")
}

func money(t *testing.T, s string) *commerce.Money {
	t.Helper()
	m, err := commerce.ParseMoney(s, shopCurrency)
	require.NoError(t, err)
	return &m
}

func TestHealthzAnswers503UntilTheShopIsOpen(t *testing.T) {
	g := &gate{}
	for path, want := range map[string]int{"/healthz": http.StatusServiceUnavailable, "/": http.StatusServiceUnavailable} {
		rec := httptest.NewRecorder()
		g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		assert.Equal(t, want, rec.Code, path)
	}
	g.open(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	rec = httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusTeapot, rec.Code)
}

func TestRunFailsWhenTheAddressIsTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	err = run(context.Background(), Config{Addr: l.Addr().String(), Logger: slog.New(slog.DiscardHandler)}, io.Discard)
	assert.ErrorContains(t, err, "address already in use")
}
