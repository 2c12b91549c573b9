package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/internal/testenv"
)

// The shop embedded under /shop/ of the host's app, on the local
// PostgreSQL and Redis: the host's own route still answers, the store API
// answers under the prefix, carts land in Redis under the shop's prefix
// and the schema in PostgreSQL.
func TestEmbeddedShopOnPostgresAndRedis(t *testing.T) {
	ctx := context.Background()
	pgURL := testenv.PostgresURL(t)
	rds := testenv.Redis(t)
	redisURL := os.Getenv(testenv.EnvRedisURL)
	if redisURL == "" {
		redisURL = testenv.DefaultRedisURL
	}
	shop, _, closeShop, err := openShop(ctx, shopConfig{PostgresURL: pgURL, RedisURL: redisURL, CartPrefix: rds.Key("cart") + ":"})
	require.NoError(t, err)
	t.Cleanup(func() { closeShop(context.Background()) })
	srv := httptest.NewServer(hostApp(shop))
	t.Cleanup(srv.Close)

	get := func(path string, header ...string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(body)
	}

	code, body := get("/")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "the host's home page\n", body)

	code, body = get("/shop/store/products")
	assert.Equal(t, http.StatusOK, code, body)
	code, _ = get("/store/products")
	assert.Equal(t, http.StatusNotFound, code, "the API lives under the prefix only")

	resp, err := http.Post(srv.URL+"/shop/store/carts", "application/json", strings.NewReader(`{"currency":"USD"}`))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	var created struct {
		ID    string `json:"id"`
		Token string `json:"cart_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
	require.NotEmpty(t, created.ID)

	code, _ = get("/shop/store/carts/" + created.ID)
	assert.Equal(t, http.StatusNotFound, code, "a guest cart's ID alone does not reach it")
	code, body = get("/shop/store/carts/"+created.ID, httpapi.CartTokenHeader, created.Token)
	assert.Equal(t, http.StatusOK, code, body)
	n, err := rds.Client.Exists(ctx, rds.Key("cart")+":"+created.ID).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the cart is in Redis under the shop's prefix")

	conn, err := pgx.Connect(ctx, pgURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var orders bool
	require.NoError(t, conn.QueryRow(ctx, `SELECT to_regclass('order_orders') IS NOT NULL`).Scan(&orders))
	assert.True(t, orders, "Migrate ran in the shop's schema")
}

// With -untracked, a SKU the host never stocked in Mercato checks out;
// without it, the checkout is out of stock.
func TestEmbeddedShopUntrackedStock(t *testing.T) {
	redisURL := os.Getenv(testenv.EnvRedisURL)
	if redisURL == "" {
		redisURL = testenv.DefaultRedisURL
	}
	for _, tc := range []struct {
		untracked bool
		status    int
		code      string
	}{
		{untracked: true, status: http.StatusCreated},
		{untracked: false, status: http.StatusConflict, code: "out_of_stock"},
	} {
		t.Run(fmt.Sprintf("untracked=%t", tc.untracked), func(t *testing.T) {
			ctx := context.Background()
			rds := testenv.Redis(t)
			cfg := shopConfig{PostgresURL: testenv.PostgresURL(t), RedisURL: redisURL, CartPrefix: rds.Key("cart") + ":", Untracked: tc.untracked}
			shop, svc, closeShop, err := openShop(ctx, cfg)
			require.NoError(t, err)
			t.Cleanup(func() { closeShop(context.Background()) })
			_, err = svc.Catalog.CreateProduct(ctx, catalog.ProductInput{
				Title: "Poster", Status: catalog.StatusActive,
				Variants: []catalog.VariantInput{{SKU: "POSTER", Prices: []commerce.Money{commerce.MustMoney(950, "USD")}}},
			})
			require.NoError(t, err)
			srv := httptest.NewServer(hostApp(shop))
			t.Cleanup(srv.Close)

			post := func(path, token, body string, header ...string) (int, []byte) {
				t.Helper()
				req, err := http.NewRequest(http.MethodPost, srv.URL+"/shop"+path, strings.NewReader(body))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(httpapi.CartTokenHeader, token)
				for i := 0; i+1 < len(header); i += 2 {
					req.Header.Set(header[i], header[i+1])
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				out, err := io.ReadAll(resp.Body)
				require.NoError(t, err)
				return resp.StatusCode, out
			}
			code, body := post("/store/carts", "", `{"currency":"USD"}`)
			require.Equal(t, http.StatusCreated, code, "%s", body)
			var created struct {
				ID    string `json:"id"`
				Token string `json:"cart_token"`
			}
			require.NoError(t, json.Unmarshal(body, &created))
			code, body = post("/store/carts/"+created.ID+"/items", created.Token, `{"sku":"POSTER","quantity":2}`)
			require.Equal(t, http.StatusOK, code, "%s", body)
			code, body = post("/store/carts/"+created.ID+"/checkout", created.Token, `{
				"email": "ada@example.com", "payment_method": "pm_card_visa",
				"shipping_address": {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "country": "GB"}
			}`, "Idempotency-Key", "checkout-1")
			require.Equal(t, tc.status, code, "%s", body)
			if tc.code != "" {
				var e struct {
					Error struct {
						Code string `json:"code"`
					} `json:"error"`
				}
				require.NoError(t, json.Unmarshal(body, &e))
				require.Equal(t, tc.code, e.Error.Code)
				return
			}
			var o struct {
				Status string `json:"status"`
			}
			require.NoError(t, json.Unmarshal(body, &o))
			require.Equal(t, "confirmed", o.Status)
			levels, err := svc.Inventory.Levels(ctx, "POSTER")
			require.NoError(t, err)
			require.Empty(t, levels, "no stock level kept for an untracked SKU")
		})
	}
}
