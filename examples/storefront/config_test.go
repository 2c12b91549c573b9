package main

import (
	"flag"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestParseConfigDefaultsToTheEmbeddedShop(t *testing.T) {
	cfg, err := parseConfig(nil, envOf(nil), io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", cfg.Addr)
	assert.Equal(t, defaultProducts, cfg.Products)
	assert.Empty(t, cfg.PostgresDSN+cfg.Redis+cfg.StripeKey+cfg.SMTPAddr+cfg.NATS)
	assert.Empty(t, cfg.Kafka)
	assert.Empty(t, cfg.AdminKey)
}

func TestParseConfigReadsFlagsThenTheEnvironment(t *testing.T) {
	env := envOf(map[string]string{
		"MERCATO_ADDR":          "127.0.0.1:9000",
		"MERCATO_POSTGRES_DSN":  "postgres://shop@db/shop",
		"MERCATO_REDIS_ADDR":    "cache:6379",
		"MERCATO_REDIS_PREFIX":  "shop1:",
		"MERCATO_KAFKA_BROKERS": "k1:9092, k2:9092,",
		"MERCATO_STRIPE_KEY":    "sk_test_env",
		"MERCATO_ADMIN_KEY":     "from-the-environment",
		"MERCATO_SMTP_USERNAME": "mailer",
		"MERCATO_SMTP_PASSWORD": "secret",
		"MERCATO_PRODUCTS":      "50",
		// The tests' variables are not the shop's.
		"MERCATO_NATS_URL":  "nats://127.0.0.1:4222",
		"MERCATO_REDIS_URL": "redis://127.0.0.1:6379/0",
	})
	cfg, err := parseConfig([]string{"-addr", "127.0.0.1:7000", "-stripe-key", "sk_test_flag", "-products", "0"}, env, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:7000", cfg.Addr, "a flag beats the variable")
	assert.Equal(t, "sk_test_flag", cfg.StripeKey)
	assert.Equal(t, "postgres://shop@db/shop", cfg.PostgresDSN)
	assert.Equal(t, "cache:6379", cfg.Redis)
	assert.Equal(t, "shop1:", cfg.RedisPrefix)
	assert.Equal(t, []string{"k1:9092", "k2:9092"}, cfg.Kafka)
	assert.Empty(t, cfg.NATS)
	assert.Equal(t, "from-the-environment", cfg.AdminKey)
	assert.Equal(t, "mailer", cfg.SMTPUsername)
	assert.Equal(t, -1, cfg.Products, "-products 0 seeds nothing")

	cfg, err = parseConfig([]string{"-redis-prefix", "load_1:"}, env, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, 50, cfg.Products)
	assert.Equal(t, "load_1:", cfg.RedisPrefix)
}

func TestParseConfigRefusesBadInput(t *testing.T) {
	var usage strings.Builder
	_, err := parseConfig([]string{"-h"}, envOf(nil), &usage)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, usage.String(), "go run ./examples/storefront")
	assert.Contains(t, usage.String(), "MERCATO_POSTGRES_DSN")

	_, err = parseConfig([]string{"-nope"}, envOf(nil), io.Discard)
	assert.Error(t, err)
	_, err = parseConfig([]string{"extra"}, envOf(nil), io.Discard)
	assert.Error(t, err)
	_, err = parseConfig(nil, envOf(map[string]string{"MERCATO_PRODUCTS": "many"}), io.Discard)
	assert.ErrorContains(t, err, "MERCATO_PRODUCTS")
}

func TestResolvedChecksCombinations(t *testing.T) {
	cfg, err := Config{}.resolved(io.Discard)
	require.NoError(t, err)
	assert.Len(t, cfg.AdminKey, 32)
	assert.True(t, cfg.adminKeyGenerated)
	assert.NotNil(t, cfg.Logger)

	for name, bad := range map[string]Config{
		"two buses":                {NATS: "nats://x:4222", Kafka: []string{"k:9092"}},
		"webhook secret, no key":   {StripeWebhookSecret: "whsec_x"},
		"short session key":        {SessionKey: "short"},
		"smtp user, no password":   {SMTPUsername: "u"},
		"relative base URL":        {BaseURL: "/shop"},
		"base URL of other scheme": {BaseURL: "ftp://shop.example.com"},
	} {
		_, err := bad.resolved(io.Discard)
		assert.Error(t, err, name)
	}
}

func TestBaseURL(t *testing.T) {
	addr := func(s string) net.Addr {
		a, err := net.ResolveTCPAddr("tcp", s)
		require.NoError(t, err)
		return a
	}
	assert.Equal(t, "http://127.0.0.1:8080", Config{}.baseURL(addr("127.0.0.1:8080")))
	assert.Equal(t, "http://localhost:8080", Config{}.baseURL(addr("0.0.0.0:8080")))
	assert.Equal(t, "http://localhost:8080", Config{}.baseURL(addr("[::]:8080")))
	assert.Equal(t, "https://shop.example.com", Config{BaseURL: "https://shop.example.com"}.baseURL(addr("127.0.0.1:8080")))
}
