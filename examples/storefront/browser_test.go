package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order"
)

// browserTimeout bounds the whole browser session.
const browserTimeout = 90 * time.Second

// A shopper in headless Chromium searches, opens a product, adds it to the
// cart and checks out through the web pages; the order is then Confirmed
// and its confirmation was sent.
func TestBrowserSearchAddToCartAndCheckOut(t *testing.T) {
	bin := testenv.Chromium(t)
	ts := startShop(t, Config{})
	p, v := ts.stockedVariant(t, 1)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()
	ctx, cancel := context.WithTimeout(ctx, browserTimeout)
	defer cancel()

	// do runs browser steps; text reads the text of the element sel.
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, steps...), what)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		require.NoError(t, err, "text of %s", sel)
		return strings.TrimSpace(s)
	}

	const email = "katherine@example.com"
	productLink := `a.product-link[href="/products/` + p.Handle + `"]`
	addButton := `button.add-to-cart[data-sku="` + v.SKU + `"]`
	do("search",
		chromedp.Navigate(ts.url+"/"),
		chromedp.WaitVisible(`header input[name=q]`),
		chromedp.SendKeys(`header input[name=q]`, p.Title),
		chromedp.Submit(`header input[name=q]`),
		chromedp.WaitVisible(productLink),
	)
	total := text(`#total`)
	do("add to cart",
		chromedp.Click(productLink),
		chromedp.WaitVisible(addButton),
		chromedp.Click(addButton),
		chromedp.WaitVisible(`#checkout-link`),
	)
	cartCount, subtotal := text(`#cart-count`), text(`#subtotal`)
	do("enter a code",
		chromedp.SendKeys(`#code`, "welcome10"),
		chromedp.Click(`#apply-code`),
		chromedp.WaitVisible(`#discount`),
	)
	discount := text(`#discount`)
	do("check out",
		chromedp.Click(`#checkout-link`),
		chromedp.WaitVisible(`#checkout-form`),
		chromedp.SendKeys(`input[name=email]`, email),
		chromedp.SendKeys(`input[name=name]`, "Katherine Johnson"),
		chromedp.SendKeys(`input[name=line1]`, "1 Langley Blvd"),
		chromedp.SendKeys(`input[name=city]`, "Hampton"),
		chromedp.SendKeys(`input[name=postal_code]`, "23681"),
		chromedp.Click(`#place-order`),
		chromedp.WaitVisible(`#order-status`),
	)
	status, orderID := text(`#order-status`), text(`#order-id`)

	assert.NotEqual(t, "0", total, "the search found products")
	assert.Equal(t, "1", cartCount, "the header counts the item")
	price, _ := v.Price(shopCurrency)
	assert.Equal(t, formatMoney(price), subtotal)
	assert.Equal(t, "confirmed", strings.ToLower(status), "the page shows the status capitalised")

	o, err := ts.orders.Get(context.Background(), commerce.OrderID(orderID))
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, o.Status)
	assert.Equal(t, email, o.Email)
	assert.Equal(t, "pm_card_visa", o.PaymentMethod, "the form's default payment method")
	require.Len(t, o.Lines, 1)
	assert.Equal(t, v.SKU, o.Lines[0].SKU)
	require.Len(t, o.Promotions, 1, "the code's promotion is frozen on the order")
	assert.Equal(t, demoCode, o.Promotions[0].Code)
	assert.True(t, o.Totals.Discount.IsPositive())
	assert.Equal(t, "−"+formatMoney(o.Totals.Discount), discount, "the cart showed the discount the order took")

	msg := ts.logs.notification(t, "order.confirmed", email)
	assert.Contains(t, msg["subject"], "is confirmed")
	deliveries, err := ts.b.notes.ListByOrder(context.Background(), o.ID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, deliveries.Items, 1)
	d := deliveries.Items[0]
	assert.Equal(t, "order.confirmed", d.Event)
	assert.Equal(t, notify.Email, d.Kind)
	assert.Equal(t, email, d.To)
}
