package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/httpapi"
	"github.com/mercatohq/mercato/internal/testenv"
)

// monitoringDir holds the dashboard, rules and Alertmanager config the
// end-to-end test runs for real.
const monitoringDir = "../../deploy/monitoring"

// promWait bounds each wait on Prometheus and Alertmanager.
const promWait = 2 * time.Minute

// TestMonitoringWithPrometheusAndAlertmanager runs the shop (stores in
// PostgreSQL, carts in Redis) under the real Prometheus and Alertmanager
// with deploy/monitoring's rules and routing: Prometheus scrapes /metrics,
// every expression of the Grafana dashboard returns data after a few
// checkouts, and abandoning most carts fires MercatoCartAbandonmentHigh,
// which Alertmanager posts to a local stand-in for Slack's webhook. The
// test's copies of the files only shorten the waits (for: 0s, 1 s
// intervals) and point at local addresses.
func TestMonitoringWithPrometheusAndAlertmanager(t *testing.T) {
	hooks := make(chan []byte, 64)
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case hooks <- body:
		default:
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(slack.Close)

	rdb := testenv.Redis(t)
	ts := startShop(t, Config{PostgresDSN: testenv.PostgresURL(t), Redis: rdb.Client.Options().Addr, RedisPrefix: rdb.Prefix})

	urlFile := filepath.Join(t.TempDir(), "slack_webhook_url")
	require.NoError(t, os.WriteFile(urlFile, []byte(slack.URL), 0o600))
	am := readFile(t, "alertmanager/alertmanager.yml")
	am = replace(t, am, "/etc/alertmanager/secrets/slack_webhook_url", urlFile)
	am = replace(t, am, "group_wait: 30s", "group_wait: 1s")
	am = replace(t, am, "group_interval: 5m", "group_interval: 1s")
	amURL := testenv.Alertmanager(t, am)

	rules := regexp.MustCompile(`(?m)^(\s+)for: \S+$`).ReplaceAllString(readFile(t, "prometheus/rules.yml"), "${1}for: 0s")
	shopURL, err := url.Parse(ts.url)
	require.NoError(t, err)
	amHost, err := url.Parse(amURL)
	require.NoError(t, err)
	promURL := testenv.Prometheus(t, fmt.Sprintf(`
global: {scrape_interval: 2s, scrape_timeout: 2s, evaluation_interval: 1s}
rule_files: [rules.yml]
alerting: {alertmanagers: [{static_configs: [{targets: [%q]}]}]}
scrape_configs: [{job_name: mercato, metrics_path: /metrics, static_configs: [{targets: [%q]}]}]
`, amHost.Host, shopURL.Host), map[string][]byte{"rules.yml": []byte(rules)})

	// The first scrape sees every counter at zero, before any cart.
	t.Cleanup(func() {
		if t.Failed() {
			if resp, err := http.Get(promURL + "/api/v1/targets"); err == nil {
				body, _ := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				t.Logf("Prometheus targets: %s", body)
			}
		}
	})
	waitQuery(t, promURL, `up{job="mercato"} == 1`)

	_, v := ts.stockedVariant(t, 3)
	for i := range 3 {
		cart, token := monitoredCart(t, ts.url, v.SKU)
		status, body := postJSON(t, ts.url+"/api/store/carts/"+cart+"/checkout", map[string]any{
			"email": "ada@example.com", "payment_method": "pm_card_visa",
			"shipping_address": map[string]string{"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"},
		}, "Idempotency-Key", fmt.Sprintf("monitoring-%d", i), httpapi.CartTokenHeader, token)
		require.Equal(t, http.StatusCreated, status, "%s", body)
	}
	for range 12 {
		monitoredCart(t, ts.url, v.SKU) // abandoned
	}
	resp, err := http.Get(ts.url + "/api/store/carts/crt_01J0000000000000000000000A")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	require.NoError(t, json.Unmarshal([]byte(readFile(t, "grafana/dashboards/mercato.json")), &dash))
	var exprs int
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			exprs++
			t.Run(p.Title, func(t *testing.T) { waitQuery(t, promURL, target.Expr) })
		}
	}
	require.GreaterOrEqual(t, exprs, 20)

	deadline := time.After(promWait)
	for {
		select {
		case body := <-hooks:
			if bytes.Contains(body, []byte("MercatoCartAbandonmentHigh")) {
				require.Contains(t, string(body), "not bought", "the summary reaches Slack")
				return
			}
		case <-deadline:
			t.Fatalf("no MercatoCartAbandonmentHigh reached the Slack webhook within %s", promWait)
		}
	}
}

// readFile reads a file of deploy/monitoring.
func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(monitoringDir, name))
	require.NoError(t, err)
	return string(b)
}

// replace replaces old, which must be in s, with new.
func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	require.Contains(t, s, old)
	return strings.ReplaceAll(s, old, new)
}

// waitQuery polls Prometheus until query returns at least one sample.
func waitQuery(t *testing.T, promURL, query string) {
	t.Helper()
	deadline := time.Now().Add(promWait)
	var last string
	for {
		resp, err := http.Get(promURL + "/api/v1/query?" + url.Values{"query": {query}}.Encode())
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.NoError(t, err)
		var r struct {
			Status string `json:"status"`
			Error  string `json:"error"`
			Data   struct {
				Result []json.RawMessage `json:"result"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(body, &r), "%s", body)
		require.Equal(t, "success", r.Status, "query %s: %s", query, r.Error)
		if len(r.Data.Result) > 0 {
			return
		}
		last = string(body)
		if time.Now().After(deadline) {
			t.Fatalf("query %s returned no data within %s: %s", query, promWait, last)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// monitoredCart creates a cart through the API holding one unit of sku
// and returns its ID and guest token.
func monitoredCart(t *testing.T, shopURL, sku string) (id, token string) {
	t.Helper()
	status, body := postJSON(t, shopURL+"/api/store/carts", map[string]any{})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var c struct {
		ID    string `json:"id"`
		Token string `json:"cart_token"`
	}
	require.NoError(t, json.Unmarshal(body, &c))
	status, body = postJSON(t, shopURL+"/api/store/carts/"+c.ID+"/items", map[string]any{"sku": sku, "quantity": 1}, httpapi.CartTokenHeader, c.Token)
	require.Equal(t, http.StatusOK, status, "%s", body)
	return c.ID, c.Token
}

// postJSON posts v as JSON with the header pairs and returns the answer.
func postJSON(t *testing.T, u string, v any, headers ...string) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, body
}
