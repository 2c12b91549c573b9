package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
)

// The demo's code discounts the cart, and its gift card, shown at
// checkout, pays the order before the card does.
func TestDemoCodeAndGiftCard(t *testing.T) {
	ts := startShop(t, Config{})
	_, v := ts.stockedVariant(t, 2)
	b := ts.browser(t)
	resp, _ := ts.post(t, b, "/cart/items", url.Values{"sku": {v.SKU}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)

	resp, body := ts.post(t, b, "/cart/codes", url.Values{"code": {"NOT-A-CODE"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "That code cannot be used")
	resp, _ = ts.post(t, b, "/cart/codes", url.Values{"code": {"welcome10"}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	_, body = get(t, b.Client, ts.url+"/cart")
	assert.Contains(t, body, `id="discount"`)
	assert.Contains(t, body, "<code>"+demoCode+"</code>")

	status, body := get(t, b.Client, ts.url+"/checkout")
	require.Equal(t, http.StatusOK, status)
	card := regexp.MustCompile(`id="demo-gift-card">([^<]+)<`).FindStringSubmatch(body)
	require.Len(t, card, 2, "the checkout shows the demo gift card")
	key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
	require.Len(t, key, 2)

	resp, body = ts.post(t, b, "/checkout", url.Values{
		"key": {key[1]}, "email": {"gift@example.com"}, "name": {"Gift Giver"}, "line1": {"1 Test Road"},
		"city": {"Testville"}, "country": {"US"}, "payment_method": {"pm_card_visa"}, "gift_card": {card[1]},
	})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, "%s", body)
	id, err := commerce.ParseID[commerce.OrderID](regexp.MustCompile(`ord_[0-9A-Z]{26}`).FindString(resp.Header.Get("Location")))
	require.NoError(t, err)
	o, err := ts.orders.Get(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	require.Len(t, o.Promotions, 1)
	assert.Equal(t, demoCode, o.Promotions[0].Code)
	require.Len(t, o.GiftCards, 1)
	price, _ := v.Price(shopCurrency)
	want := min(o.Totals.Total.Amount(), demoGiftCard)
	assert.Equal(t, want, o.GiftCards[0].Amount.Amount(), "the gift card pays up to its balance")
	assert.Less(t, o.Totals.Total.Amount(), price.Amount(), "discounted")

	status, body = get(t, b.Client, ts.url+"/orders/"+id.String())
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `id="order-discount"`)
	assert.Contains(t, body, "Paid with gift card")
}
