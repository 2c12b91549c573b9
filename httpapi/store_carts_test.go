package httpapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
)

// sellable creates an active product with one variant, sku, priced at
// cents US cents, with stock units on hand.
func (s *shop) sellable(sku string, cents int64, stock int) {
	s.t.Helper()
	ctx := context.Background()
	_, err := s.svc.Catalog.CreateProduct(ctx, catalog.ProductInput{
		Title: "Product " + sku, Status: catalog.StatusActive,
		Variants: []catalog.VariantInput{{SKU: sku, Prices: []commerce.Money{commerce.MustMoney(cents, "USD")}}},
	})
	require.NoError(s.t, err)
	_, err = s.svc.Inventory.SetStock(ctx, sku, "", stock, "test stock")
	require.NoError(s.t, err)
}

// newCart creates a cart through the API, the caller's when token is set.
func (s *shop) newCart(token string) httpapi.CartResponse {
	s.t.Helper()
	r := s.do(http.MethodPost, "/store/carts", token, nil)
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	var c httpapi.CartResponse
	r.json(s.t, &c)
	return c
}

// addItem adds qty units of sku to cart id through the API.
func (s *shop) addItem(id commerce.CartID, token, sku string, qty int) httpapi.CartResponse {
	s.t.Helper()
	r := s.do(http.MethodPost, "/store/carts/"+id.String()+"/items", token, map[string]any{"sku": sku, "quantity": qty})
	require.Equal(s.t, http.StatusOK, r.status, "%s", r.body)
	var c httpapi.CartResponse
	r.json(s.t, &c)
	return c
}

// cartWith is a new cart holding qty units of sku.
func (s *shop) cartWith(token, sku string, qty int) commerce.CartID {
	s.t.Helper()
	c := s.newCart(token)
	s.addItem(c.ID, token, sku, qty)
	return c.ID
}

// cartOf decodes a cart reply.
func cartOf(t testing.TB, r reply) httpapi.CartResponse {
	t.Helper()
	var c httpapi.CartResponse
	r.json(t, &c)
	return c
}

// errorBody decodes an error reply.
func errorBody(t testing.TB, r reply) httpapi.ErrorDetail {
	t.Helper()
	var e httpapi.ErrorBody
	r.json(t, &e)
	return e.Error
}

func TestCartLifecycle(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	s.sellable("TEE-1", 2000, 10)

	c := s.newCart("")
	assert.True(t, c.Guest())
	assert.Equal(t, commerce.Currency("USD"), c.Currency)
	assert.Equal(t, cart.StatusActive, c.Status)
	assert.Equal(t, commerce.MustMoney(0, "USD"), c.Totals.Subtotal)

	r := s.do(http.MethodPost, "/store/carts", "", map[string]string{"currency": "EUR"})
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var eur httpapi.CartResponse
	r.json(t, &eur)
	assert.Equal(t, commerce.Currency("EUR"), eur.Currency)

	got := s.addItem(c.ID, "", "MUG-1", 2)
	require.Len(t, got.Lines, 1)
	mug := got.Lines[0]
	assert.Equal(t, 2, mug.Quantity)
	assert.Equal(t, commerce.MustMoney(2500, "USD"), got.Totals.Subtotal)
	assert.True(t, got.Totals.Purchasable)

	got = s.addItem(c.ID, "", "MUG-1", 1)
	require.Len(t, got.Lines, 1, "the same SKU raises its line")
	assert.Equal(t, 3, got.Lines[0].Quantity)
	got = s.addItem(c.ID, "", "TEE-1", 1)
	require.Len(t, got.Lines, 2)
	assert.Equal(t, commerce.MustMoney(5750, "USD"), got.Totals.Subtotal)
	assert.Equal(t, 4, got.Totals.ItemCount)

	line := "/store/carts/" + c.ID.String() + "/items/" + mug.ID.String()
	r = s.do(http.MethodPatch, line, "", map[string]int{"quantity": 5})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	assert.Equal(t, 5, got.Lines[0].Quantity)
	assert.Equal(t, commerce.MustMoney(8250, "USD"), got.Totals.Subtotal)

	r = s.do(http.MethodPatch, line, "", map[string]int{"quantity": 0})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	require.Len(t, got.Lines, 1, "quantity 0 removes the line")
	assert.Equal(t, "TEE-1", got.Lines[0].SKU)

	r = s.do(http.MethodDelete, "/store/carts/"+c.ID.String()+"/items/"+got.Lines[0].ID.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	assert.Empty(t, got.Lines)

	s.addItem(c.ID, "", "MUG-1", 1)
	s.addItem(c.ID, "", "TEE-1", 1)
	r = s.do(http.MethodDelete, "/store/carts/"+c.ID.String()+"/items", "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	assert.Empty(t, got.Lines)

	r = s.do(http.MethodGet, "/store/carts/"+c.ID.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	assert.Equal(t, c.ID, got.ID)
	assert.Equal(t, c.ID, got.Totals.CartID)
	assert.Equal(t, got.Version, got.Totals.Version)

	// A removed line is gone: changing it again is 404, naming the field.
	r = s.do(http.MethodDelete, line, "", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "%s", r.body)
	assert.Equal(t, "line_id", errorBody(t, r).Details["field"])
}

func TestCartTotalsShowPriceChanges(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	c := s.newCart("")
	s.addItem(c.ID, "", "MUG-1", 2)

	p, err := s.svc.Catalog.ListProducts(context.Background(), catalog.ProductFilter{}, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	prod := p.Items[0]
	_, err = s.svc.Catalog.UpdateVariant(context.Background(), prod.ID, prod.Variants[0].ID, catalog.VariantInput{
		SKU: "MUG-1", Prices: []commerce.Money{commerce.MustMoney(1200, "USD")},
	})
	require.NoError(t, err)

	r := s.do(http.MethodGet, "/store/carts/"+c.ID.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got httpapi.CartResponse
	r.json(t, &got)
	assert.True(t, got.Totals.PriceChanged)
	assert.Equal(t, commerce.MustMoney(1000, "USD"), got.Lines[0].UnitPrice, "the line keeps the price it was added at")
	assert.Equal(t, commerce.MustMoney(2400, "USD"), got.Totals.Subtotal, "the totals price it today")
}

func TestCustomerCartIsMine(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	ada, token := s.customer("ada@example.com")

	r := s.do(http.MethodGet, "/store/carts/mine", token, nil)
	assert.Equal(t, http.StatusNotFound, r.status, "no cart yet: %s", r.body)

	c := s.newCart(token)
	assert.Equal(t, ada.ID, c.CustomerID, "a cart created with a token is the customer's")
	s.addItem(c.ID, token, "MUG-1", 1)

	r = s.do(http.MethodGet, "/store/carts/mine", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var mine httpapi.CartResponse
	r.json(t, &mine)
	assert.Equal(t, c.ID, mine.ID)
	assert.Equal(t, 1, mine.Totals.ItemCount)

	r = s.do(http.MethodGet, "/store/carts/mine", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status)
}

func TestCartMergeAfterLogin(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	s.sellable("TEE-1", 2000, 10)
	ada, token := s.customer("ada@example.com")

	// A customer without a cart gets the guest cart attached.
	guest := s.cartWith("", "MUG-1", 1)
	r := s.do(http.MethodPost, "/store/carts/"+guest.String()+"/merge", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var got httpapi.CartResponse
	r.json(t, &got)
	assert.Equal(t, guest, got.ID)
	assert.Equal(t, ada.ID, got.CustomerID)
	r = s.do(http.MethodGet, "/store/carts/"+guest.String(), "", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "the cart is the customer's now")

	// A second guest cart merges into it, adding quantities by default.
	other := s.cartWith("", "MUG-1", 2)
	s.addItem(other, "", "TEE-1", 1)
	r = s.do(http.MethodPost, "/store/carts/"+other.String()+"/merge", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	assert.Equal(t, guest, got.ID, "the answer is the customer's cart")
	require.Len(t, got.Lines, 2)
	assert.Equal(t, 3, got.Lines[0].Quantity)
	assert.Equal(t, commerce.MustMoney(5000, "USD"), got.Totals.Subtotal)

	// Merging again changes nothing.
	r = s.do(http.MethodPost, "/store/carts/"+other.String()+"/merge", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	assert.Equal(t, 3, got.Lines[0].Quantity)

	// A strategy may be chosen; an unknown one is refused.
	third := s.cartWith("", "MUG-1", 7)
	r = s.do(http.MethodPost, "/store/carts/"+third.String()+"/merge", token, map[string]string{"strategy": "whatever"})
	assert.Equal(t, http.StatusBadRequest, r.status)
	assert.Equal(t, "strategy", errorBody(t, r).Details["field"])
	r = s.do(http.MethodPost, "/store/carts/"+third.String()+"/merge", token, map[string]string{"strategy": "keep_guest"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	got = cartOf(t, r)
	assert.Equal(t, 7, got.Lines[0].Quantity)

	r = s.do(http.MethodPost, "/store/carts/"+s.cartWith("", "MUG-1", 1).String()+"/merge", "", nil)
	assert.Equal(t, http.StatusUnauthorized, r.status, "merging needs a customer")
}

// TestCartBadRequests: every client mistake is a 4xx naming what is
// wrong, never a 500.
func TestCartBadRequests(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1000, 10)
	c := s.newCart("")
	withLine := s.addItem(c.ID, "", "MUG-1", 1)
	items := "/store/carts/" + c.ID.String() + "/items"
	line := items + "/" + withLine.Lines[0].ID.String()
	missingCart := "/store/carts/" + commerce.NewID[commerce.CartID]().String()

	// merged is a guest cart merged into a customer's cart: it is theirs
	// now, and read-only.
	attached := s.cartWith("", "MUG-1", 1)
	_, token := s.customer("ada@example.com")
	r := s.do(http.MethodPost, "/store/carts/"+attached.String()+"/merge", token, nil)
	require.Equal(t, http.StatusOK, r.status)
	merged := s.cartWith("", "MUG-1", 1)
	r = s.do(http.MethodPost, "/store/carts/"+merged.String()+"/merge", token, nil)
	require.Equal(t, http.StatusOK, r.status)

	cases := []struct {
		name, method, path string
		body               any
		headers            []string
		status             int
		field              string
	}{
		{"unknown field", http.MethodPost, items, `{"sku":"MUG-1","quantity":1,"price":1}`, nil, 400, "price"},
		{"quantity not a number", http.MethodPost, items, `{"sku":"MUG-1","quantity":"two"}`, nil, 400, "quantity"},
		{"quantity zero", http.MethodPost, items, map[string]any{"sku": "MUG-1", "quantity": 0}, nil, 400, "quantity"},
		{"quantity too big", http.MethodPost, items, map[string]any{"sku": "MUG-1", "quantity": 1_000_000}, nil, 400, "quantity"},
		{"sku missing", http.MethodPost, items, map[string]any{"quantity": 1}, nil, 400, "sku"},
		{"sku malformed", http.MethodPost, items, map[string]any{"sku": "-bad sku", "quantity": 1}, nil, 400, "sku"},
		{"sku unknown", http.MethodPost, items, map[string]any{"sku": "NOPE-1", "quantity": 1}, nil, 400, "sku"},
		{"metadata not strings", http.MethodPost, items, `{"sku":"MUG-1","quantity":1,"metadata":{"a":1}}`, nil, 400, "metadata"},
		{"no body", http.MethodPost, items, nil, nil, 400, ""},
		{"malformed JSON", http.MethodPost, items, `{"sku":`, nil, 400, ""},
		{"not JSON", http.MethodPost, items, `sku=MUG-1`, []string{"Content-Type", "text/plain"}, 400, ""},
		{"too large", http.MethodPost, items, `{"sku":"` + strings.Repeat("A", 2<<20) + `"}`, nil, 413, ""},
		{"quantity missing", http.MethodPatch, line, map[string]any{}, nil, 400, "quantity"},
		{"quantity negative", http.MethodPatch, line, map[string]any{"quantity": -1}, nil, 400, "quantity"},
		{"line malformed", http.MethodPatch, items + "/nonsense", map[string]any{"quantity": 1}, nil, 404, ""},
		{"line unknown", http.MethodDelete, items + "/" + commerce.NewID[commerce.LineID]().String(), nil, nil, 404, "line_id"},
		{"cart malformed", http.MethodGet, "/store/carts/cart_nonsense", nil, nil, 404, ""},
		{"cart of another kind", http.MethodGet, "/store/carts/" + commerce.NewID[commerce.OrderID]().String(), nil, nil, 404, ""},
		{"cart unknown", http.MethodPost, missingCart + "/items", map[string]any{"sku": "MUG-1", "quantity": 1}, nil, 404, ""},
		{"currency unknown", http.MethodPost, "/store/carts", map[string]string{"currency": "XYZ"}, nil, 400, "currency"},
		{"currency lower case", http.MethodPost, "/store/carts", map[string]string{"currency": "usd"}, nil, 400, "currency"},
		{"merged cart is not a guest's", http.MethodPost, "/store/carts/" + merged.String() + "/items", map[string]any{"sku": "MUG-1", "quantity": 1}, nil, 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(tc.method, tc.path, "", tc.body, tc.headers...)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			e := errorBody(t, r)
			assert.NotEmpty(t, e.Code)
			assert.NotEmpty(t, e.Message)
			if tc.field != "" {
				assert.Equal(t, tc.field, e.Details["field"], "%s", r.body)
			}
		})
	}

	// Its new owner may read the merged cart; a change is 409.
	r = s.do(http.MethodPost, "/store/carts/"+merged.String()+"/items", token, map[string]any{"sku": "MUG-1", "quantity": 1})
	assert.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	assert.Equal(t, "failed_precondition", r.errorCode(t))
}

// TestOptionalBodyMayBeChunked: a body without a length (chunked) is
// read as any other, and an empty one is no body.
func TestOptionalBodyMayBeChunked(t *testing.T) {
	s := newShop(t)
	send := func(body string) reply {
		t.Helper()
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, s.srv.URL+"/store/carts", io.NopCloser(strings.NewReader(body)))
		require.NoError(t, err)
		req.ContentLength = -1 // unknown: sent chunked
		resp, err := s.srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return reply{status: resp.StatusCode, header: resp.Header, body: raw}
	}
	r := send("")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, commerce.Currency("USD"), cartOf(t, r).Currency)
	r = send(`{"currency":"EUR"}`)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, commerce.Currency("EUR"), cartOf(t, r).Currency)
	r = send(`{"currency":"EUR","colour":"red"}`)
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, "colour", errorBody(t, r).Details["field"])
}

// TestCartOverflowSavesNothing: an add that would overflow the cart's
// total answers 400 and saves nothing, so the cart keeps answering.
func TestCartOverflowSavesNothing(t *testing.T) {
	s := newShop(t)
	s.sellable("GOLD-1", 1<<61, 100)
	c := s.newCart("")
	s.addItem(c.ID, "", "GOLD-1", 1)
	r := s.do(http.MethodPost, "/store/carts/"+c.ID.String()+"/items", "", map[string]any{"sku": "GOLD-1", "quantity": 4})
	require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, "quantity", errorBody(t, r).Details["field"])
	r = s.do(http.MethodGet, "/store/carts/"+c.ID.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "the cart still answers: %s", r.body)
	got := cartOf(t, r)
	require.Len(t, got.Lines, 1)
	assert.Equal(t, 1, got.Lines[0].Quantity, "the refused add saved nothing")
}
