package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// demoStock is the units of each demo SKU put in stock.
const demoStock = 100

// demoProducts are the demo catalog: a few products with a variant per
// size, priced in USD cents.
var demoProducts = []struct {
	title string
	sku   string
	cents int64
}{
	{"Trail Runner", "TRAIL", 12900},
	{"Rain Jacket", "RAIN", 8900},
	{"Wool Socks", "SOCKS", 1500},
	{"Canvas Backpack", "PACK", 6400},
	{"Camp Mug", "MUG", 1200},
	{"Head Torch", "TORCH", 3500},
}

// demoSizes are the variants of each demo product.
var demoSizes = []string{"S", "M", "L"}

// createDemoCatalog creates the demo catalog with its stock through the gateway's
// admin API, as an operator would, unless the catalog has products
// already. It returns how many products it created.
func createDemoCatalog(ctx context.Context, gatewayURL, adminKey string) (int, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	call := func(method, path string, body, out any) error {
		var rd io.Reader
		if body != nil {
			raw, err := json.Marshal(body)
			if err != nil {
				return err
			}
			rd = bytes.NewReader(raw)
		}
		req, err := http.NewRequestWithContext(ctx, method, gatewayURL+"/api"+path, rd)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+adminKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		if resp.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
		if out != nil {
			return json.Unmarshal(raw, out)
		}
		return nil
	}
	var page struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := call(http.MethodGet, "/admin/products?limit=1", nil, &page); err != nil {
		return 0, err
	}
	if len(page.Items) > 0 {
		return 0, nil
	}
	for _, p := range demoProducts {
		var variants []any
		for _, size := range demoSizes {
			variants = append(variants, map[string]any{
				"sku": p.sku + "-" + size, "options": map[string]string{"size": size},
				"prices": []any{map[string]any{"amount": p.cents, "currency": "USD"}},
			})
		}
		if err := call(http.MethodPost, "/admin/products", map[string]any{"title": p.title, "status": "active", "variants": variants}, nil); err != nil {
			return 0, err
		}
		for _, size := range demoSizes {
			if err := call(http.MethodPut, "/admin/inventory/"+url.PathEscape(p.sku+"-"+size), map[string]any{"quantity": demoStock}, nil); err != nil {
				return 0, err
			}
		}
	}
	return len(demoProducts), nil
}
