package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/search"
)

// buyThroughTheAPI searches for a stocked product, puts it in a new cart
// and checks the cart out for email, returning the order.
func (ts *testShop) buyThroughTheAPI(t *testing.T, email string) order.Order {
	t.Helper()
	p, v := ts.stockedVariant(t, 1)
	var res search.Result
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodGet, "/store/search?"+url.Values{"q": {p.Title}}.Encode(), nil, &res))
	require.NotEmpty(t, res.Hits, "the index was built from the catalog")
	var c struct {
		ID commerce.CartID `json:"id"`
	}
	require.Equal(t, http.StatusCreated, ts.api(t, http.MethodPost, "/store/carts", map[string]string{}, &c))
	require.Equal(t, http.StatusOK, ts.api(t, http.MethodPost, "/store/carts/"+c.ID.String()+"/items", map[string]any{"sku": v.SKU, "quantity": 1}, nil))
	var o order.Order
	require.Equal(t, http.StatusCreated, ts.api(t, http.MethodPost, "/store/carts/"+c.ID.String()+"/checkout", map[string]any{
		"email": email, "payment_method": "pm_card_visa",
		"shipping_address": map[string]string{"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"},
	}, &o, "Idempotency-Key", "backends-"+c.ID.String()))
	require.Equal(t, order.StatusConfirmed, o.Status)
	return o
}

// TestShopOnPostgresRedisNATSAndSMTP runs the shop with every store in
// PostgreSQL, carts in Redis, events on NATS JetStream and email through
// an SMTP server (Mailpit): a checkout lands in each, and the order's
// confirmation reaches the mailbox through the outbox, the bus and the
// notifier.
func TestShopOnPostgresRedisNATSAndSMTP(t *testing.T) {
	dsn := testenv.PostgresURL(t)
	rdb := testenv.Redis(t)
	bus := testenv.NATS(t)
	smtpAddr, mailAPI := testenv.Mailpit(t)
	ts := startShop(t, Config{
		PostgresDSN: dsn, Redis: rdb.Client.Options().Addr, NATS: bus.URL, SMTPAddr: smtpAddr, SMTPFrom: "shop@example.com",
		topicPrefix: bus.Prefix, redisPrefix: rdb.Prefix,
	})
	o := ts.buyThroughTheAPI(t, "ada@example.com")

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var status string
	require.NoError(t, conn.QueryRow(ctx, "SELECT status FROM orders WHERE id = $1", o.ID.String()).Scan(&status))
	assert.Equal(t, string(order.StatusConfirmed), status, "the order is in PostgreSQL")
	n, err := rdb.Client.Exists(ctx, rdb.Prefix+o.CartID.String()).Result()
	require.NoError(t, err)
	assert.EqualValues(t, 1, n, "the cart is in Redis")

	subject := waitForMail(t, mailAPI, "ada@example.com")
	assert.Contains(t, subject, fmt.Sprint(o.Number), "the confirmation names the order")
}

// TestShopOnKafka runs the shop's events on Kafka (an in-process
// cluster): the memory stores' events reach it through their outbox, and
// the confirmation is sent.
func TestShopOnKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	ts := startShop(t, Config{Kafka: cluster.ListenAddrs()})
	ts.buyThroughTheAPI(t, "grace@example.com")
	ts.logs.notification(t, "order.confirmed", "grace@example.com")
}

// waitForMail waits for Mailpit to hold a message to to and returns its
// subject.
func waitForMail(t *testing.T, api, to string) string {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	// Mailpit cannot be asked to wait for a message: poll it.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get(api + "/api/v1/search?query=" + url.QueryEscape("to:"+to))
		require.NoError(t, err)
		var found struct {
			Messages []struct {
				Subject string `json:"Subject"`
			} `json:"messages"`
		}
		err = json.NewDecoder(resp.Body).Decode(&found)
		_ = resp.Body.Close()
		require.NoError(t, err)
		if len(found.Messages) > 0 {
			return found.Messages[0].Subject
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("no email to %s within %s", to, waitTimeout)
		}
	}
}
