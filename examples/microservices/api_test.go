package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
)

// apiClient calls the public API through one gateway, as a client would.
type apiClient struct {
	base  string // ".../api"
	token string // a customer's session token, when signed in
	http  *http.Client
}

func (tp *topology) client(gateway int) *apiClient {
	return &apiClient{base: "http://" + dialable(tp.cfg.instanceAddrs(svcGateway)[gateway]) + "/api", http: &http.Client{Timeout: 90 * time.Second}}
}

// apiError is the JSON error of the API and the gateway.
type apiError struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// response is an answer: its status, headers and body.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) code() string {
	var e apiError
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// do sends a request with a JSON body (nil for none) and header pairs,
// and returns the answer; a transport failure is an error.
func (c *apiClient) do(method, path string, body any, header ...string) (response, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return response{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return response{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: raw}, err
}

// call is do that fails the test on a transport failure or an unexpected
// status, and decodes a 2xx body into out (when not nil).
func (c *apiClient) call(t *testing.T, want int, method, path string, body, out any, header ...string) response {
	t.Helper()
	r, err := c.do(method, path, body, header...)
	require.NoError(t, err, "%s %s", method, path)
	require.Equal(t, want, r.status, "%s %s: %s", method, path, r.body)
	if out != nil {
		require.NoError(t, json.Unmarshal(r.body, out), "%s %s: %s", method, path, r.body)
	}
	return r
}

// admin is a client with the admin key.
func (tp *topology) admin(gateway int) *apiClient {
	c := tp.client(gateway)
	c.token = tp.cfg.AdminKey
	return c
}

// money is an amount in USD cents.
func usd(cents int64) map[string]any { return map[string]any{"amount": cents, "currency": "USD"} }

// stockedProduct creates an active product with one variant of sku at
// price and puts quantity units of it in stock, through the admin API.
func (tp *topology) stockedProduct(t *testing.T, title, sku string, cents int64, quantity int) commerce.ProductID {
	t.Helper()
	admin := tp.admin(0)
	var p struct {
		ID commerce.ProductID `json:"id"`
	}
	admin.call(t, http.StatusCreated, http.MethodPost, "/admin/products", map[string]any{
		"title": title, "status": "active",
		"variants": []any{map[string]any{"sku": sku, "prices": []any{usd(cents)}}},
	}, &p)
	admin.call(t, http.StatusOK, http.MethodPut, "/admin/inventory/"+url.PathEscape(sku), map[string]any{"quantity": quantity}, nil)
	return p.ID
}

// shippingAddress is where the tests' orders go.
var shippingAddress = map[string]string{"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"}

// cartRef is a new cart: its ID, and its token when it is a guest's.
type cartRef struct {
	ID    commerce.CartID `json:"id"`
	Token string          `json:"cart_token"`
}

// headers are the cart's capability header, for a guest cart.
func (c cartRef) headers(more ...string) []string {
	if c.Token == "" {
		return more
	}
	return append([]string{"X-Cart-Token", c.Token}, more...)
}

// newCart creates a cart and adds quantity of sku to it.
func (c *apiClient) newCart(t *testing.T, sku string, quantity int) cartRef {
	t.Helper()
	var ref cartRef
	c.call(t, http.StatusCreated, http.MethodPost, "/store/carts", map[string]string{}, &ref)
	c.call(t, http.StatusOK, http.MethodPost, "/store/carts/"+ref.ID.String()+"/items", map[string]any{"sku": sku, "quantity": quantity}, nil, ref.headers()...)
	return ref
}

// checkoutBody is a checkout paying with the payment method pm.
func checkoutBody(email, pm string) map[string]any {
	return map[string]any{"email": email, "payment_method": pm, "shipping_address": shippingAddress}
}

// placedOrder is the part of a checkout's answer the tests read.
type placedOrder struct {
	ID         commerce.OrderID `json:"id"`
	Status     string           `json:"status"`
	Email      string           `json:"email"`
	OrderToken string           `json:"order_token"`
}
