package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/order"
)

// eventWait bounds how long a test waits for an event it counts.
const eventWait = 5 * time.Second

// checkoutBody is a valid checkout request paying with pm.
func checkoutBody(email, pm string) map[string]any {
	body := map[string]any{
		"payment_method": pm,
		"shipping_address": map[string]string{
			"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB",
		},
	}
	if email != "" {
		body["email"] = email
	}
	return body
}

// checkout checks cart id out through the API with key.
func (s *shop) checkout(id commerce.CartID, token, key string, body any) reply {
	s.t.Helper()
	return s.do(http.MethodPost, "/store/carts/"+id.String()+"/checkout", token, body, "Idempotency-Key", key)
}

// placeOrder checks out a new cart with one unit of sku paid with
// pm_card_visa and returns the confirmed order.
func (s *shop) placeOrder(token, sku string) order.Order {
	s.t.Helper()
	id := s.cartWith(token, sku, 1)
	r := s.checkout(id, token, "key-"+id.String(), checkoutBody("buyer@example.com", "pm_card_visa"))
	require.Equal(s.t, http.StatusCreated, r.status, "%s", r.body)
	o := orderOf(s.t, r)
	require.Equal(s.t, order.StatusConfirmed, o.Status)
	return o
}

// orderOf decodes an order reply.
func orderOf(t testing.TB, r reply) order.Order {
	t.Helper()
	var o order.Order
	r.json(t, &o)
	return o
}

func (s *shop) available(sku string) int {
	s.t.Helper()
	n, err := s.svc.Inventory.Available(context.Background(), sku)
	require.NoError(s.t, err)
	return n
}

func TestCheckoutGuest(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	s.sellable("TEE-1", 2000, 10)
	id := s.cartWith("", "MUG-1", 2)
	s.addItem(id, "", "TEE-1", 1)

	r := s.checkout(id, "", "checkout-1", checkoutBody("guest@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	o := orderOf(t, r)
	assert.NotEmpty(t, o.ID)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, "guest@example.com", o.Email)
	assert.True(t, o.Guest())
	assert.Equal(t, id, o.CartID)
	assert.Equal(t, commerce.MustMoney(4500, "USD"), o.Totals.Total)
	assert.Equal(t, o.ShippingAddress, o.BillingAddress, "billing defaults to shipping")
	assert.Equal(t, 8, s.available("MUG-1"))
	assert.Equal(t, 9, s.available("TEE-1"))

	// The same key answers the same order with 200 and charges nothing more.
	r = s.checkout(id, "", "checkout-1", checkoutBody("guest@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	again := orderOf(t, r)
	assert.Equal(t, o.ID, again.ID)
	assert.Equal(t, order.StatusConfirmed, again.Status)
	assert.Equal(t, 1, s.provider.Calls("authorize"))
	assert.Len(t, s.provider.Charges(), 1)
	assert.Equal(t, 8, s.available("MUG-1"), "stock is deducted once")

	r = s.do(http.MethodGet, "/store/orders/"+o.ID.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, order.StatusConfirmed, orderOf(t, r).Status)

	r = s.do(http.MethodGet, "/store/carts/"+id.String(), "", nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	c := cartOf(t, r)
	assert.Equal(t, cart.StatusConverted, c.Status)
	assert.Equal(t, o.ID, c.ConvertedOrderID)

	// Another key for a checked-out cart is refused; nothing is charged.
	r = s.checkout(id, "", "checkout-2", checkoutBody("guest@example.com", "pm_card_visa"))
	assert.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	assert.Equal(t, 1, s.provider.Calls("authorize"))

	s.events.WaitFor(t, eventWait, "order.confirmed", 1)
}

func TestCheckoutBillingAddressAndExpectedTotal(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	id := s.cartWith("", "MUG-1", 2)

	body := checkoutBody("guest@example.com", "pm_card_visa")
	body["expected_total"] = map[string]any{"amount": 2000, "currency": "USD"}
	r := s.checkout(id, "", "k-1", body)
	require.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	e := errorBody(t, r)
	assert.Equal(t, commerce.CodeFailedPrecondition, e.Code)
	assert.Equal(t, "expected_total", e.Details["field"])
	assert.Equal(t, "25.00 USD", e.Details["total"])
	assert.Equal(t, 0, s.provider.Calls("authorize"))

	body = checkoutBody("guest@example.com", "pm_card_visa")
	body["expected_total"] = map[string]any{"amount": 2500, "currency": "USD"}
	body["billing_address"] = map[string]string{"name": "Ada Billing", "line1": "1 Bill St", "city": "Leeds", "country": "GB"}
	r = s.checkout(id, "", "k-2", body)
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	o := orderOf(t, r)
	assert.Equal(t, "Ada Billing", o.BillingAddress.Name)
	assert.Equal(t, "Ada Lovelace", o.ShippingAddress.Name)
}

func TestCheckoutCustomerEmailDefault(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	ada, token := s.customer("ada@example.com")
	id := s.cartWith(token, "MUG-1", 1)

	r := s.checkout(id, token, "ada-1", checkoutBody("", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	o := orderOf(t, r)
	assert.Equal(t, ada.ID, o.CustomerID)
	assert.Equal(t, "ada@example.com", o.Email, "a signed-in customer's email is the default")

	// A guest must say where to write.
	guest := s.cartWith("", "MUG-1", 1)
	r = s.checkout(guest, "", "guest-1", checkoutBody("", "pm_card_visa"))
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, "email", errorBody(t, r).Details["field"])
}

// TestCheckoutGuestCartSignedIn: a guest cart checked out with a token
// is the customer's order, listed as theirs and hidden from others.
func TestCheckoutGuestCartSignedIn(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	ada, token := s.customer("ada@example.com")
	guest := s.cartWith("", "MUG-1", 1)

	r := s.checkout(guest, token, "ada-guest-1", checkoutBody("", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	o := orderOf(t, r)
	assert.Equal(t, ada.ID, o.CustomerID)
	assert.Equal(t, "ada@example.com", o.Email)

	var mine struct{ Items []order.Order }
	r = s.do(http.MethodGet, "/store/orders", token, nil)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r.json(t, &mine)
	require.Len(t, mine.Items, 1)
	assert.Equal(t, o.ID, mine.Items[0].ID)

	r = s.do(http.MethodGet, "/store/orders/"+o.ID.String(), "", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "the order is no longer a guest's: %s", r.body)
	r = s.checkout(guest, "", "ada-guest-1", checkoutBody("ada@example.com", "pm_card_visa"))
	assert.Equal(t, http.StatusConflict, r.status, "a repeat without the session is another caller's key: the cart is checked out: %s", r.body)
	assert.Empty(t, r.header.Get(httpapi.OrderTokenHeader), "no token for the customer's order")
	assert.NotContains(t, string(r.body), "order_token")
}

func TestCheckoutNeedsIdempotencyKey(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	id := s.cartWith("", "MUG-1", 1)
	r := s.do(http.MethodPost, "/store/carts/"+id.String()+"/checkout", "", checkoutBody("a@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	e := errorBody(t, r)
	assert.Equal(t, commerce.CodeInvalidArgument, e.Code)
	assert.Equal(t, "Idempotency-Key", e.Details["field"])

	r = s.checkout(id, "", "has spaces", checkoutBody("a@example.com", "pm_card_visa"))
	assert.Equal(t, http.StatusBadRequest, r.status, "%s", r.body)
	assert.Equal(t, "Idempotency-Key", errorBody(t, r).Details["field"])
	assert.Equal(t, 0, s.provider.Calls("authorize"))
}

func TestCheckoutDeclined(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	id := s.cartWith("", "MUG-1", 3)

	r := s.checkout(id, "", "declined-1", checkoutBody("a@example.com", "pm_card_chargeDeclined"))
	require.Equal(t, http.StatusPaymentRequired, r.status, "%s", r.body)
	e := errorBody(t, r)
	assert.Equal(t, commerce.CodePaymentDeclined, e.Code)
	assert.Equal(t, "generic_decline", e.Details["decline_code"])
	assert.Equal(t, "Your card was declined.", e.Details["reason"])
	orderID, _ := e.Details["order_id"].(string)
	require.NotEmpty(t, orderID)
	assert.Equal(t, 10, s.available("MUG-1"), "the reservation is released")
	assert.Empty(t, s.provider.Charges())
	orderToken := r.header.Get(httpapi.OrderTokenHeader)
	require.NotEmpty(t, orderToken, "the guest gets the cancelled order's token")
	assert.Equal(t, orderToken, e.Details["order_token"])

	r = s.do(http.MethodGet, "/store/orders/"+orderID, "", nil, httpapi.OrderTokenHeader, orderToken)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	o := orderOf(t, r)
	assert.Equal(t, order.StatusCancelled, o.Status)
	assert.Equal(t, "generic_decline", o.FailureCode)

	// A repeat of the key tells the same story; another key and card work.
	r = s.checkout(id, "", "declined-1", checkoutBody("a@example.com", "pm_card_chargeDeclined"))
	assert.Equal(t, http.StatusPaymentRequired, r.status, "%s", r.body)
	r = s.checkout(id, "", "declined-2", checkoutBody("a@example.com", "pm_card_chargeDeclinedInsufficientFunds"))
	require.Equal(t, http.StatusPaymentRequired, r.status, "%s", r.body)
	assert.Equal(t, "insufficient_funds", errorBody(t, r).Details["decline_code"])
	r = s.checkout(id, "", "paid-3", checkoutBody("a@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, 7, s.available("MUG-1"))
}

func TestCheckoutOutOfStock(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 2)
	id := s.cartWith("", "MUG-1", 3)

	r := s.checkout(id, "", "oos-1", checkoutBody("a@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	e := errorBody(t, r)
	assert.Equal(t, commerce.CodeOutOfStock, e.Code)
	short, _ := e.Details["short"].([]any)
	require.Len(t, short, 1, "%s", r.body)
	assert.Equal(t, "MUG-1", short[0].(map[string]any)["sku"])
	assert.Equal(t, 0, s.provider.Calls("authorize"), "nothing is charged")
	assert.Equal(t, 2, s.available("MUG-1"))

	// With the quantity lowered the same cart checks out.
	c := cartOf(t, s.do(http.MethodGet, "/store/carts/"+id.String(), "", nil))
	r = s.do(http.MethodPatch, "/store/carts/"+id.String()+"/items/"+c.Lines[0].ID.String(), "", map[string]int{"quantity": 2})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	r = s.checkout(id, "", "oos-2", checkoutBody("a@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, 0, s.available("MUG-1"))
}

// TestCheckoutConcurrentRetries: clients retrying one checkout at once
// all get the one order, charged once.
func TestCheckoutConcurrentRetries(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	id := s.cartWith("", "MUG-1", 1)
	raw, err := json.Marshal(checkoutBody("a@example.com", "pm_card_visa"))
	require.NoError(t, err)

	const n = 8
	type result struct {
		status int
		order  order.Order
		err    error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/store/carts/"+id.String()+"/checkout", bytes.NewReader(raw))
			if err != nil {
				results[i].err = err
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "same-key")
			req.Header.Set(httpapi.CartTokenHeader, s.guestToken(id.String()))
			resp, err := s.srv.Client().Do(req)
			if err != nil {
				results[i].err = err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			results[i].status, results[i].err = resp.StatusCode, err
			if err == nil && resp.StatusCode < 300 {
				results[i].err = json.Unmarshal(body, &results[i].order)
			} else if err == nil {
				results[i].err = fmt.Errorf("status %d: %s", resp.StatusCode, body)
			}
		}()
	}
	close(start)
	wg.Wait()
	for i, r := range results {
		require.NoError(t, r.err, "request %d", i)
		assert.Contains(t, []int{http.StatusOK, http.StatusCreated}, r.status)
		assert.Equal(t, results[0].order.ID, r.order.ID)
		assert.Equal(t, order.StatusConfirmed, r.order.Status)
	}
	assert.Equal(t, 1, s.provider.Calls("authorize"))
	assert.Len(t, s.provider.Charges(), 1)
	assert.Equal(t, 9, s.available("MUG-1"))
}

// TestCheckoutBadRequests: client mistakes are 4xx with the field, and
// none of them charges anything.
func TestCheckoutBadRequests(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	id := s.cartWith("", "MUG-1", 1)
	empty := s.newCart("").ID

	with := func(change func(map[string]any)) map[string]any {
		b := checkoutBody("a@example.com", "pm_card_visa")
		change(b)
		return b
	}
	address := func(change func(map[string]string)) map[string]string {
		a := map[string]string{"name": "Ada", "line1": "1 Road", "city": "London", "country": "GB"}
		change(a)
		return a
	}
	cases := []struct {
		name   string
		cart   commerce.CartID
		body   any
		status int
		code   commerce.ErrorCode
		field  string
	}{
		{"no body", id, nil, 400, commerce.CodeInvalidArgument, ""},
		{"unknown field", id, with(func(b map[string]any) { b["coupon"] = "FREE" }), 400, commerce.CodeInvalidArgument, "coupon"},
		{"payment method missing", id, with(func(b map[string]any) { delete(b, "payment_method") }), 400, commerce.CodeInvalidArgument, "payment_method"},
		{"payment method not a string", id, with(func(b map[string]any) { b["payment_method"] = 4242 }), 400, commerce.CodeInvalidArgument, "payment_method"},
		{"email malformed", id, with(func(b map[string]any) { b["email"] = "not an email" }), 400, commerce.CodeInvalidArgument, "email"},
		{"shipping address missing", id, with(func(b map[string]any) { delete(b, "shipping_address") }), 400, commerce.CodeInvalidArgument, "shipping_address"},
		{"shipping address without city", id, with(func(b map[string]any) {
			b["shipping_address"] = address(func(a map[string]string) { delete(a, "city") })
		}), 400, commerce.CodeInvalidArgument, "shipping_address"},
		{"shipping address with bad country", id, with(func(b map[string]any) {
			b["shipping_address"] = address(func(a map[string]string) { a["country"] = "Britain" })
		}), 400, commerce.CodeInvalidArgument, "shipping_address"},
		{"shipping address with unknown field", id, with(func(b map[string]any) {
			b["shipping_address"] = address(func(a map[string]string) { a["planet"] = "Earth" })
		}), 400, commerce.CodeInvalidArgument, "planet"},
		{"billing address invalid", id, with(func(b map[string]any) {
			b["billing_address"] = address(func(a map[string]string) { a["line1"] = "" })
		}), 400, commerce.CodeInvalidArgument, "billing_address"},
		{"expected total not money", id, with(func(b map[string]any) { b["expected_total"] = 12.5 }), 400, commerce.CodeInvalidArgument, "expected_total"},
		{"expected total in floats", id, with(func(b map[string]any) { b["expected_total"] = map[string]any{"amount": 12.5, "currency": "USD"} }), 400, commerce.CodeInvalidArgument, "expected_total"},
		{"empty cart", empty, checkoutBody("a@example.com", "pm_card_visa"), 409, commerce.CodeFailedPrecondition, ""},
		{"unknown cart", commerce.NewID[commerce.CartID](), checkoutBody("a@example.com", "pm_card_visa"), 404, commerce.CodeNotFound, ""},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.checkout(tc.cart, "", fmt.Sprintf("bad-%d", i), tc.body)
			require.Equal(t, tc.status, r.status, "%s", r.body)
			e := errorBody(t, r)
			assert.Equal(t, tc.code, e.Code)
			if tc.field != "" {
				assert.Equal(t, tc.field, e.Details["field"], "%s", r.body)
			}
		})
	}
	assert.Equal(t, 0, s.provider.Calls("authorize"))

	// A key with another body is refused, never answered the first order.
	r := s.checkout(id, "", "used-key", checkoutBody("a@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	r = s.checkout(id, "", "used-key", checkoutBody("mallory@example.com", "pm_card_visa"))
	assert.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	assert.Equal(t, "idempotency_key", errorBody(t, r).Details["field"])
	assert.NotContains(t, string(r.body), `"id":"ord_`)
	assert.Equal(t, 1, s.provider.Calls("authorize"))
}

// TestIdempotencyKeysAreTheCallers: the same key from two callers is two
// checkouts; the same customer's key on another cart, or with another
// body, is 409.
func TestIdempotencyKeysAreTheCallers(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	_, ada := s.customer("ada@example.com")
	_, bob := s.customer("bob@example.com")

	first := s.checkout(s.cartWith(ada, "MUG-1", 1), ada, "shared-key", checkoutBody("", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	second := s.checkout(s.cartWith(bob, "MUG-1", 1), bob, "shared-key", checkoutBody("", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, second.status, "another customer's equal key is theirs: %s", second.body)
	assert.NotEqual(t, orderOf(t, first).ID, orderOf(t, second).ID)

	guest1 := s.checkout(s.cartWith("", "MUG-1", 1), "", "shared-key", checkoutBody("g@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, guest1.status, "a guest cart's key is its own: %s", guest1.body)

	r := s.checkout(s.cartWith(ada, "MUG-1", 1), ada, "shared-key", checkoutBody("", "pm_card_visa"))
	assert.Equal(t, http.StatusConflict, r.status, "the same customer's key on another cart: %s", r.body)
	assert.Equal(t, 3, s.provider.Calls("authorize"))
}

// TestCheckoutAnswersTheDocumentedShape: the order JSON carries the
// fields clients read.
func TestCheckoutAnswersTheDocumentedShape(t *testing.T) {
	s := newShop(t)
	s.sellable("MUG-1", 1250, 10)
	id := s.cartWith("", "MUG-1", 1)
	r := s.checkout(id, "", "shape-1", checkoutBody("a@example.com", "pm_card_visa"))
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	var raw map[string]any
	r.json(t, &raw)
	for _, field := range []string{"id", "status", "number", "email", "lines", "totals", "shipping_address", "history"} {
		assert.Contains(t, raw, field)
	}
	assert.Equal(t, "confirmed", raw["status"])
}
