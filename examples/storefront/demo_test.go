package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
)

// 17.16: every product has a picture, drawn by the shop from its category
// and colour; no page loads an image from elsewhere.
func TestProductPicturesAreDrawnByTheShop(t *testing.T) {
	ts := startShop(t, Config{})
	status, body := get(t, http.DefaultClient, ts.url+"/")
	require.Equal(t, http.StatusOK, status)
	assert.NotRegexp(t, `src="(https?:)?//`, body, "no image from elsewhere")
	srcs := regexp.MustCompile(`<img src="(/images/products/([a-z0-9-]+)\.svg)"`).FindAllStringSubmatch(body, -1)
	require.Len(t, srcs, hitsPerPage, "a picture on every card")

	drawings := map[string]bool{}
	for _, m := range srcs {
		resp, err := http.Get(ts.url + m[1])
		require.NoError(t, err)
		svg, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, m[1])
		assert.Equal(t, "image/svg+xml", resp.Header.Get("Content-Type"))
		assert.Contains(t, resp.Header.Get("Cache-Control"), "max-age")
		assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")
		assert.True(t, strings.HasPrefix(string(svg), `<svg xmlns="http://www.w3.org/2000/svg"`))
		assert.NotContains(t, string(svg), "<script")
		assert.NotContains(t, string(svg), "href", "nothing linked")
		drawings[string(svg)] = true

		p, err := ts.catalog.GetProductByHandle(context.Background(), m[2])
		require.NoError(t, err)
		assert.Equal(t, []string{ts.url + m[1]}, p.Images, "the catalog's image is the shop's picture")
	}
	assert.Len(t, drawings, len(srcs), "each product its own picture")

	again, err := http.Get(ts.url + srcs[0][1])
	require.NoError(t, err)
	first, _ := io.ReadAll(again.Body)
	again.Body.Close()
	assert.True(t, drawings[string(first)], "the same product, the same picture")

	for _, bad := range []string{"no-such-product.svg", "x.png", "..%2f..%2fstatic%2fstyle.css"} {
		status, _ := get(t, http.DefaultClient, ts.url+"/images/products/"+bad)
		assert.Equal(t, http.StatusNotFound, status, bad)
	}
}

func TestPicturesDifferByCategoryAndColour(t *testing.T) {
	phone := drawPicture("p-1", "Electronics", "Phones", "Red")
	assert.NotEqual(t, phone, drawPicture("p-1", "Electronics", "Phones", "Blue"), "colour")
	assert.NotEqual(t, phone, drawPicture("p-1", "Electronics", "Laptops", "Red"), "category")
	assert.NotEqual(t, phone, drawPicture("p-1", "Home", "Phones", "Red"), "department")
	assert.Equal(t, phone, drawPicture("p-1", "Electronics", "Phones", "Red"), "deterministic")
	assert.Contains(t, string(phone), colourPaint("Red").fill)
	for _, c := range []string{"Phones", "Laptops", "Headphones", "Speakers", "Cameras", "Men", "Women", "Shoes", "Accessories", "Kitchen", "Furniture", "Lighting", "Outdoor", "Fitness", "Cycling"} {
		assert.NotEqual(t, objectOf("", paint{}), objectOf(c, paint{}), "%s has its own object", c)
	}
}

// 17.16: the checkout offers the test cards as choices, each doing at the
// payment provider what its label says.
func TestCheckoutOffersTheTestCards(t *testing.T) {
	ts := startShop(t, Config{})
	_, v := ts.stockedVariant(t, len(testCards())+1)
	b := ts.browser(t)
	radio := regexp.MustCompile(`<input type="radio" name="payment_method" value="([^"]+)"( checked)?`)
	for _, card := range testCards() {
		resp, _ := ts.post(t, b, "/cart/items", url.Values{"sku": {v.SKU}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		status, body := get(t, b.Client, ts.url+"/checkout")
		require.Equal(t, http.StatusOK, status)
		assert.NotContains(t, body, `<input name="payment_method"`, "no text box")
		choices := radio.FindAllStringSubmatch(body, -1)
		require.Len(t, choices, len(testCards()))
		assert.Equal(t, "pm_card_visa", choices[0][1])
		assert.Equal(t, " checked", choices[0][2], "Visa is chosen unless the shopper picks another")
		var offered []string
		for _, c := range choices {
			offered = append(offered, c[1])
		}
		require.Contains(t, offered, card.Token)
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
		require.Len(t, key, 2)

		resp, body = ts.post(t, b, "/checkout", url.Values{
			"key": {key[1]}, "email": {"cards@example.com"}, "name": {"Card Tester"}, "line1": {"1 Test Road"},
			"city": {"Testville"}, "country": {"US"}, "payment_method": {card.Token},
		})
		if card.Declines {
			assert.Equal(t, http.StatusPaymentRequired, resp.StatusCode, card.Token)
			assert.Contains(t, body, "Payment declined", card.Token)
			// Empty the cart for the next card.
			c, ok := ts.cartOf(t, b.jar)
			require.True(t, ok)
			for _, l := range c.Lines {
				resp, _ := ts.post(t, b, "/cart/lines/"+l.ID.String()+"/remove", url.Values{})
				require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			}
		} else {
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode, "%s approves: %s", card.Token, body)
		}
	}
}

// 17.16: prices show thousands separators on the pages.
func TestPagesShowPricesWithThousandsSeparators(t *testing.T) {
	ts := startShop(t, Config{})
	ctx := context.Background()
	var dear catalog.Product
	for req := (commerce.PageRequest{Limit: commerce.MaxPageLimit}); dear.ID.IsZero(); {
		page, err := ts.catalog.ListProducts(ctx, catalog.ProductFilter{Status: catalog.StatusActive}, req)
		require.NoError(t, err)
		for _, p := range page.Items {
			if m, ok := p.Variants[0].Price(shopCurrency); ok && m.Amount() >= 100000 {
				dear = p
				break
			}
		}
		require.True(t, page.HasMore() || !dear.ID.IsZero(), "the demo catalog has a product of $1,000 or more")
		req.Cursor = page.NextCursor
	}
	price, _ := dear.Variants[0].Price(shopCurrency)
	status, body := get(t, http.DefaultClient, ts.url+"/products/"+dear.Handle)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, formatMoney(price))
	assert.Regexp(t, `\$\d{1,3},\d{3}\.\d{2}`, body)
	status, body = get(t, http.DefaultClient, ts.url+"/search?sort=price_desc")
	require.Equal(t, http.StatusOK, status)
	assert.NotRegexp(t, `\$\d{4,}`, body, "no price of four digits or more without a separator")
	assert.Regexp(t, `\$\d{1,3},\d{3}\.\d{2}`, body)
}

// 17.16: the first page (the best rated first) showed 5.0 on every
// product. Ratings now spread as real ones do.
func TestFirstPageRatingsAreNotAllPerfect(t *testing.T) {
	ts := startShop(t, Config{Products: defaultProducts})
	status, body := get(t, http.DefaultClient, ts.url+"/")
	require.Equal(t, http.StatusOK, status)
	ratings := regexp.MustCompile(`<span class="stars">[★☆]+</span> (\d\.\d) \(\d+\)`).FindAllStringSubmatch(body, -1)
	require.Len(t, ratings, hitsPerPage)
	perfect, distinct := 0, map[string]bool{}
	for _, r := range ratings {
		if r[1] == "5.0" {
			perfect++
		}
		distinct[r[1]] = true
	}
	assert.LessOrEqual(t, perfect, hitsPerPage/8, "few perfect scores among the best rated")
	assert.GreaterOrEqual(t, len(distinct), 3, "the best rated differ")
}
