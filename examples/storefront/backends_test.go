package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	stripego "github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
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
	id := ts.apiCart(t, v.SKU)
	var o order.Order
	require.Equal(t, http.StatusCreated, ts.apiCheckout(t, id, "backends-"+id.String(), email, &o))
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
		topicPrefix: bus.Prefix, RedisPrefix: rdb.Prefix,
		// Small: the order's events reach NATS through the outbox behind
		// the seeding's (one per product, stock level and review).
		Products: 30,
	})
	o := ts.buyThroughTheAPI(t, "ada@example.com")

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var status string
	require.NoError(t, conn.QueryRow(ctx, "SELECT status FROM order_orders WHERE id = $1", o.ID.String()).Scan(&status))
	assert.Equal(t, string(order.StatusConfirmed), status, "the order is in PostgreSQL")
	n, err := rdb.Client.Exists(ctx, rdb.Prefix+"cart:"+o.CartID.String()).Result()
	require.NoError(t, err)
	assert.EqualValues(t, 1, n, "the cart is in Redis, under the prefix")

	subject := waitForMail(t, mailAPI, "ada@example.com")
	assert.Contains(t, subject, fmt.Sprint(o.Number), "the confirmation names the order")
}

// TestShopOnKafka runs the shop's events on Kafka (an in-process
// cluster): the memory stores' events reach it through their outbox, and
// the confirmation is sent. The catalog is small: the outbox relays one
// event at a time, and the order's events queue behind the seeding's
// (one per product, stock level and review).
func TestShopOnKafka(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	ts := startShop(t, Config{Kafka: cluster.ListenAddrs(), Products: 12})
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

// TestShopOnStripe runs the shop's payments through Stripe (its API
// mock). stripe-mock answers every PaymentIntent with a canned one that
// never completes, so the checkout waits on the payment (503), as it
// would on a bank still deciding; Stripe's signed webhook saying the
// payment succeeded then lets the customer's retry confirm the order. A
// webhook without Stripe's signature is refused.
func TestShopOnStripe(t *testing.T) {
	const secret = "whsec_storefront_test"
	ts := startShop(t, Config{StripeKey: "sk_test_123", StripeWebhookSecret: secret, stripeURL: testenv.StripeMock(t)})
	ctx := context.Background()
	_, v := ts.stockedVariant(t, 1)
	id := ts.apiCart(t, v.SKU)
	checkout := func(out any) int { return ts.apiCheckout(t, id, "stripe-1", "ada@example.com", out) }
	require.Equal(t, http.StatusServiceUnavailable, checkout(nil))
	page, err := ts.orders.List(ctx, order.ListFilter{}, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	pending := page.Items[0]
	assert.Equal(t, order.StatusPaymentPending, pending.Status)
	payments, err := ts.payments.GetByOrder(ctx, pending.ID)
	require.NoError(t, err)
	require.Len(t, payments, 1)
	pay := payments[0]
	assert.Equal(t, "stripe", pay.Provider)
	require.True(t, strings.HasPrefix(pay.ProviderRef, "pi_"), "the PaymentIntent Stripe made: %q", pay.ProviderRef)

	succeeded, err := json.Marshal(map[string]any{
		"id": "evt_storefront_1", "object": "event", "type": "payment_intent.succeeded", "api_version": stripego.APIVersion,
		"created": time.Now().Unix(), "livemode": false, "data": map[string]any{"object": map[string]any{
			"id": pay.ProviderRef, "object": "payment_intent", "amount": pay.Amount.Amount(), "amount_received": pay.Amount.Amount(),
			"currency": "usd", "capture_method": "manual", "metadata": map[string]string{"mercato_payment_id": pay.ID.String()},
		}},
	})
	require.NoError(t, err)
	forged := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: succeeded, Secret: "whsec_someone_else", Timestamp: time.Now()})
	assert.Equal(t, http.StatusBadRequest, ts.stripeWebhook(t, forged))
	got, err := ts.payments.Get(ctx, pay.ID)
	require.NoError(t, err)
	assert.Equal(t, pay.Status, got.Status, "a forged webhook changes nothing")

	signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: succeeded, Secret: secret, Timestamp: time.Now()})
	require.Equal(t, http.StatusOK, ts.stripeWebhook(t, signed))
	got, err = ts.payments.Get(ctx, pay.ID)
	require.NoError(t, err)
	assert.True(t, got.Status.Captured(), "Stripe said the payment succeeded: %s", got.Status)

	var o order.Order
	assert.Contains(t, []int{http.StatusOK, http.StatusCreated}, checkout(&o))
	assert.Equal(t, pending.ID, o.ID, "the retry finishes the same order")
	assert.Equal(t, order.StatusConfirmed, o.Status)
	ts.logs.notification(t, "order.confirmed", "ada@example.com")
}

// stripeWebhook posts a signed Stripe event to the shop's webhook
// endpoint and returns the status.
func (ts *testShop) stripeWebhook(t *testing.T, signed *webhook.SignedPayload) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.url+"/api/webhooks/stripe", bytes.NewReader(signed.Payload))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", signed.Header)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}
