package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/internal/testenv"
)

// TestEndToEndThroughTheGateway runs the topology on the local
// PostgreSQL, Redis and NATS, with two gateways and email through
// Mailpit, and uses it only through the gateways, as a shop's clients
// would: the admin stocks two products; a customer finds one by search,
// registers, logs in, fills a cart and checks out (confirmed, and the
// confirmation email arrives), cancels one order and returns another; a
// quantity beyond the stock is out_of_stock and a declined card
// payment_declined. Then, at the gateways' edge (testEdge): logins are
// limited across both gateways whatever the path's spelling; bad input
// is a 4xx; a service down is a 503 with Retry-After; no answer carries
// an address or SQL.
func TestEndToEndAndEdgeThroughTheGateway(t *testing.T) {
	smtpAddr, mailAPI := testenv.Mailpit(t)
	tp := startTopology(t, func(c *Config) {
		c.SMTP = smtpAddr
		c.Replicas[svcGateway] = 2
	})
	tp.stockedProduct(t, "Trail Runner", "TRAIL-42", 12900, 50)
	tp.stockedProduct(t, "Rare Boot", "RARE-1", 9900, 1)

	shopper := tp.client(0)
	// The product service's index follows the catalog's events on the
	// bus: the product shows up in search once they arrive.
	waitFor(t, "the product found by search", func() bool {
		r, err := shopper.do(http.MethodGet, "/store/search?"+url.Values{"q": {"trail runner"}}.Encode(), nil)
		return err == nil && r.status == http.StatusOK && strings.Contains(string(r.body), "TRAIL-42")
	})

	const email = "ada@example.com"
	shopper.call(t, http.StatusCreated, http.MethodPost, "/store/customers", map[string]string{"email": email, "password": "correct horse battery staple", "name": "Ada Lovelace"}, nil)
	var login struct {
		Token string `json:"token"`
	}
	shopper.call(t, http.StatusOK, http.MethodPost, "/store/auth/login", map[string]string{"email": email, "password": "correct horse battery staple"}, &login)
	require.NotEmpty(t, login.Token)
	shopper.token = login.Token
	shopper.call(t, http.StatusOK, http.MethodGet, "/store/customers/me", nil, nil)

	checkout := func(sku string, quantity int, key, pm string) (placedOrder, response) {
		t.Helper()
		c := shopper.newCart(t, sku, quantity)
		r, err := shopper.do(http.MethodPost, "/store/carts/"+c.ID.String()+"/checkout", checkoutBody("", pm), c.headers("Idempotency-Key", key)...)
		require.NoError(t, err)
		var o placedOrder
		if r.status < 300 {
			require.NoError(t, json.Unmarshal(r.body, &o))
		}
		return o, r
	}

	first, r := checkout("TRAIL-42", 2, "first", "pm_card_visa")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	assert.Equal(t, "confirmed", first.Status)
	waitForMail(t, mailAPI, email, "is confirmed")

	// Cancel the first order: the payment is voided, the stock given back.
	var cancelled placedOrder
	shopper.call(t, http.StatusOK, http.MethodPost, "/store/orders/"+first.ID.String()+"/cancel", map[string]string{"reason": "changed my mind"}, &cancelled)
	assert.Equal(t, "cancelled", cancelled.Status)

	// Return a second one once delivered.
	second, r := checkout("TRAIL-42", 1, "second", "pm_card_visa")
	require.Equal(t, http.StatusCreated, r.status, "%s", r.body)
	admin := tp.admin(1)
	for _, verb := range []string{"process", "pack", "ship", "in-transit", "out-for-delivery", "deliver"} {
		admin.call(t, http.StatusOK, http.MethodPost, "/admin/orders/"+second.ID.String()+"/"+verb, nil, nil)
	}
	var returned placedOrder
	shopper.call(t, http.StatusOK, http.MethodPost, "/store/orders/"+second.ID.String()+"/return", map[string]string{"reason": "too small"}, &returned)
	assert.Equal(t, "return_requested", returned.Status)

	// Two of the one boot in stock: out of stock, nothing charged.
	_, r = checkout("RARE-1", 2, "greedy", "pm_card_visa")
	assert.Equal(t, http.StatusConflict, r.status, "%s", r.body)
	assert.Equal(t, "out_of_stock", r.code())
	// A declined card: payment_declined, the order cancelled.
	_, r = checkout("TRAIL-42", 1, "declined", "pm_card_chargeDeclined")
	assert.Equal(t, http.StatusPaymentRequired, r.status, "%s", r.body)
	assert.Equal(t, "payment_declined", r.code())

	t.Run("Edge", func(t *testing.T) { testEdge(t, tp) })
}

// waitForMail waits for Mailpit to hold a message to to whose subject
// contains subject.
func waitForMail(t *testing.T, api, to, subject string) {
	t.Helper()
	waitFor(t, "an email to "+to+" about "+subject, func() bool {
		resp, err := http.Get(api + "/api/v1/search?query=" + url.QueryEscape("to:"+to))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var found struct {
			Messages []struct {
				Subject string `json:"Subject"`
			} `json:"messages"`
		}
		if json.NewDecoder(resp.Body).Decode(&found) != nil {
			return false
		}
		for _, m := range found.Messages {
			if strings.Contains(m.Subject, subject) {
				return true
			}
		}
		return false
	})
}
