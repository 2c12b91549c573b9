package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/kafkabus"
	"github.com/mercatohq/mercato/eventbus/natsbus"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/payment"
)

// TestOrderLookupAcrossServices publishes a final payment.failed for a
// real order. The event names only the order: the notification service
// finds whom to write to and the order's number by asking the order
// service over RPC (which asks the user service for the customer), as it
// reads no other service's tables. The email arriving, naming the order
// by its number, is the proof.
func TestOrderLookupAcrossServices(t *testing.T) {
	smtpAddr, mailAPI := testenv.Mailpit(t)
	tp := startTopology(t, func(c *Config) { c.SMTP = smtpAddr })
	tp.stockedProduct(t, "Trail Runner", "TRAIL-42", 12900, 5)

	shopper := tp.client(0)
	const email = "grace@example.com"
	shopper.call(t, http.StatusCreated, http.MethodPost, "/store/customers", map[string]string{"email": email, "password": "correct horse battery staple", "name": "Grace Hopper"}, nil)
	var login struct {
		Token string `json:"token"`
	}
	shopper.call(t, http.StatusOK, http.MethodPost, "/store/auth/login", map[string]string{"email": email, "password": "correct horse battery staple"}, &login)
	shopper.token = login.Token
	// customer.registered names the customer: the notification service
	// found them through the user service.
	waitForMail(t, mailAPI, email, "Welcome to Mercato")

	o := checkoutOnce(t, shopper, "TRAIL-42", "lookup", "")
	require.Equal(t, "confirmed", o.Status)
	require.Positive(t, o.Number)
	waitForMail(t, mailAPI, email, fmt.Sprintf("order %d is confirmed", o.Number))

	failed := payment.Failed{
		PaymentID: commerce.NewID[commerce.PaymentID](), OrderID: o.ID, Amount: commerce.MustMoney(12900, "USD"),
		Stage: "capture", FailureCode: "card_declined", FailureMessage: "Your card was declined.", Attempt: 3, Final: true,
	}
	tp.publish(t, commerce.NewEnvelope(failed.PaymentID.String(), time.Now(), failed))
	waitForMail(t, mailAPI, email, fmt.Sprintf("Action needed: payment for your Mercato order %d", o.Number))
}

// TestTopologyOnKafka runs the topology on Kafka, an in-process cluster
// with topic auto-creation off (the services create the topics they
// use), with two instances each of the product and the notification
// services. Each product instance keeps its own search index current
// from the catalog's events; a guest checks out through the gateway,
// confirmed, and the confirmation email arrives. On the cluster, every
// consumer group carries the topology's prefix, and the two notification
// instances share one group per handler.
func TestTopologyOnKafka(t *testing.T) {
	// Without kfake.AllowAutoTopicCreation the cluster creates no topic
	// itself; two partitions a topic, so two members of a group share it.
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DefaultNumPartitions(2))
	require.NoError(t, err)
	t.Cleanup(cluster.Close)
	smtpAddr, mailAPI := testenv.Mailpit(t)
	tp := startTopology(t, func(c *Config) {
		c.Bus = "kafka"
		c.Kafka = cluster.ListenAddrs()
		c.SMTP = smtpAddr
		c.Replicas[svcProduct] = 2
		c.Replicas[svcNotification] = 2
	})
	tp.stockedProduct(t, "Trail Runner", "TRAIL-42", 12900, 5)
	// Every product instance hears the catalog's events: ask each one's
	// index directly.
	for _, base := range tp.cfg.peerURLs(svcProduct) {
		product := &apiClient{base: base, http: &http.Client{Timeout: 30 * time.Second}}
		waitFor(t, "the product found by search at "+base, func() bool {
			r, err := product.do(http.MethodGet, "/store/search?"+url.Values{"q": {"trail runner"}}.Encode(), nil)
			return err == nil && r.status == http.StatusOK && strings.Contains(string(r.body), "TRAIL-42")
		})
	}

	const email = "kafka@example.com"
	o := checkoutOnce(t, tp.client(0), "TRAIL-42", "kafka", email)
	assert.Equal(t, "confirmed", o.Status)
	waitForMail(t, mailAPI, email, fmt.Sprintf("order %d is confirmed", o.Number))

	admin, err := sarama.NewClusterAdmin(cluster.ListenAddrs(), sarama.NewConfig())
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	// The services created the topics they use.
	topics, err := admin.ListTopics()
	require.NoError(t, err)
	assert.Contains(t, topics, tp.cfg.TopicPrefix+"order-confirmed")
	groups, err := admin.ListConsumerGroups()
	require.NoError(t, err)
	require.NotEmpty(t, groups)
	for g := range groups {
		assert.True(t, strings.HasPrefix(g, tp.cfg.TopicPrefix), "group %q lacks the topic prefix %q", g, tp.cfg.TopicPrefix)
		assert.NoError(t, eventbus.ValidateGroup(g))
	}
	confirmed := consumerGroup(tp.cfg.TopicPrefix, notifyGroup, "order.confirmed")
	require.Contains(t, groups, confirmed)
	waitFor(t, "both notification instances in "+confirmed, func() bool {
		d, err := admin.DescribeConsumerGroups([]string{confirmed})
		return err == nil && len(d) == 1 && len(d[0].Members) == 2
	})
}

// TestConsumerGroupsCarryTheTopicPrefix: a handler's consumer group is
// the topic prefix and the handler's name, so topologies sharing a broker
// never share a group; a name too long for every bus is cut and ends
// with a hash of the whole, the same on every instance and restart.
func TestConsumerGroupsCarryTheTopicPrefix(t *testing.T) {
	assert.Equal(t, "notify-order-confirmed", consumerGroup("", notifyGroup, "order.confirmed"))
	assert.Equal(t, "shop-a-notify-order-confirmed", consumerGroup("shop-a", notifyGroup, "order.confirmed"))
	assert.Equal(t, "shop_notify-order-confirmed", consumerGroup("shop_", notifyGroup, "order.confirmed"))
	assert.Equal(t, "shop-orders-payment-refunded", consumerGroup("shop", ordersGroup, "payment.refunded"))
	assert.NotEqual(t, consumerGroup("shop-a", notifyGroup, "order.confirmed"), consumerGroup("shop-b", notifyGroup, "order.confirmed"))

	const prefix = "T_TestConsumerGroups_0123456789ab"
	first := consumerGroup(prefix, instanceGroup("search", "127.0.0.1:20302"), "catalog.product.updated")
	second := consumerGroup(prefix, instanceGroup("search", "127.0.0.1:20402"), "catalog.product.updated")
	for _, g := range []string{first, second} {
		assert.Len(t, g, maxGroupLen)
		assert.True(t, strings.HasPrefix(g, prefix), "%q keeps the prefix", g)
		assert.NoError(t, eventbus.ValidateGroup(g))
	}
	assert.NotEqual(t, first, second, "instances whose names differ past the cut keep groups of their own")
	assert.Equal(t, first, consumerGroup(prefix, instanceGroup("search", "127.0.0.1:20302"), "catalog.product.updated"), "the same name hashes the same")
	// The cut name and the first 16 hex digits of the SHA-256 of the whole:
	// a bus that kept the old name would need it the same forever.
	assert.Equal(t, "T_TestConsumerGroups_0123456789ab-search-127-0--1dc9bf4ed8924b06", first)

	// Prefixes too long to keep whole still make groups of their own.
	long := strings.Repeat("p", 60)
	a, b := consumerGroup(long+"a", notifyGroup, "order.confirmed"), consumerGroup(long+"b", notifyGroup, "order.confirmed")
	assert.NotEqual(t, a, b)
	assert.Len(t, a, maxGroupLen)
	assert.NoError(t, eventbus.ValidateGroup(a))
}

// orderPlaced is the part of a checkout's answer these tests read.
type orderPlaced struct {
	ID     commerce.OrderID `json:"id"`
	Number int64            `json:"number"`
	Status string           `json:"status"`
}

// checkoutOnce checks out one unit of sku in a new cart with the card
// that approves, as a guest at email when email is set, and requires 201.
func checkoutOnce(t *testing.T, c *apiClient, sku, key, email string) orderPlaced {
	t.Helper()
	cart := c.newCart(t, sku, 1)
	var o orderPlaced
	c.call(t, http.StatusCreated, http.MethodPost, "/store/carts/"+cart.ID.String()+"/checkout", checkoutBody(email, "pm_card_visa"), &o, cart.headers("Idempotency-Key", key)...)
	return o
}

// publish publishes events on the topology's bus, as one of its services
// would.
func (tp *topology) publish(t *testing.T, events ...commerce.Envelope) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	var backend eventbus.Backend
	switch tp.cfg.Bus {
	case "kafka":
		b, err := kafkabus.New(tp.cfg.Kafka, &kafkabus.Options{Logger: log})
		require.NoError(t, err)
		backend = b
	default:
		conn, err := nats.Connect(tp.cfg.NATS)
		require.NoError(t, err)
		t.Cleanup(conn.Close)
		b, err := natsbus.New(conn, &natsbus.Options{Logger: log})
		require.NoError(t, err)
		backend = b
	}
	bus, err := eventbus.New(backend, &eventbus.Options{TopicPrefix: tp.cfg.TopicPrefix, Logger: log})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	require.NoError(t, bus.Publish(ctx, events...))
	require.NoError(t, bus.Close(ctx))
}
