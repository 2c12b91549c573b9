package main

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/recommend"
)

// The shop recommends from its first page (a generated history trains
// the model at start): beside a product, in the cart, and through the
// API; and a product page view reaches the activity log through the bus.
func TestShopRecommends(t *testing.T) {
	ts := startShop(t, Config{})
	p, v := ts.stockedVariant(t, 1)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	client := noRedirects(jar)

	status, body := get(t, client, ts.url+"/cart")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Recommended for you", "an empty cart shows popular products")

	resp, _ := postForm(t, client, ts.url+"/cart/items", ts.withToken(t, jar, url.Values{"sku": {v.SKU}, "quantity": {"1"}}))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	status, body = get(t, client, ts.url+"/products/"+p.Handle)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Customers also bought")
	assert.Equal(t, recommendedShown, strings.Count(body, `class="recommended-link"`))
	status, body = get(t, client, ts.url+"/cart")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Recommended for you")
	assert.NotContains(t, body, `class="recommended-link" href="/products/`+p.Handle+`"`, "not what is in the cart")

	var recs httpapi.List[recommend.Recommendation]
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodGet, "/store/products/"+p.ID.String()+"/recommendations?limit=3", nil, &recs))
	assert.Len(t, recs.Items, 3)
	for _, r := range recs.Items {
		assert.NotEqual(t, p.ID, r.Product.ID)
	}

	// The view of the product page, keyed by the cart, reaches the log.
	require.Eventually(t, func() bool {
		found := false
		_, err := ts.recs.log.Scan(context.Background(), "", func(a recommend.Activity) error {
			if a.Kind == recommend.Viewed && a.ProductID == p.ID && strings.HasPrefix(a.SessionID, "cart_") {
				found = true
			}
			return nil
		})
		return err == nil && found
	}, waitTimeout, 10*time.Millisecond)
}
