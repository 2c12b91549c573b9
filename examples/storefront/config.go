package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// Config is how the shop runs: where it listens, what it seeds, and which
// real backends replace the embedded defaults. The zero Config is the
// demo: memory stores, the in-process bus, a temporary index, the fake
// payment provider and notifications written to the log.
type Config struct {
	// Addr is the listen address. Default "127.0.0.1:8080"; port 0 picks
	// a free one.
	Addr string
	// BaseURL is the shop's public URL, used in the links of emails.
	// Default: http:// and the listen address.
	BaseURL string
	// AdminKey guards the admin pages and the admin API: at least
	// minAdminKeyLength characters. Empty: a random key is generated and
	// printed at start.
	AdminKey string
	// Products is the size of the generated demo catalog, seeded only
	// into an empty catalog. Default 300; negative seeds nothing.
	Products int
	// SessionKey signs customer sessions and the web shop's cookies (at
	// least 32 bytes). Empty: a random key, so sessions and carts end
	// when the process does.
	SessionKey string

	// PostgresDSN keeps the catalog, customers, stock, payments and
	// notification log in PostgreSQL, their events relayed to the bus
	// from the transactional outbox.
	PostgresDSN string
	// PostgresShards spreads customers, orders and payments over several
	// PostgreSQL databases (see adapters/postgres/shard): customer data
	// goes to the shard of the customer's bucket, each shard with its own
	// outbox and relay. The catalog, stock and notifications stay where
	// PostgresDSN (or memory) keeps them.
	PostgresShards []string
	// MongoDB keeps the catalog in MongoDB (a mongodb:// URI; the
	// database is the URI's path, default "mercato"), its events relayed
	// to the bus from the products' outboxes. See backends_mongodb.go.
	MongoDB string
	// Redis keeps carts in Redis (host:port or a redis:// URL), their
	// events relayed to the bus from the Redis outbox.
	Redis string
	// RedisPrefix starts every Redis key the shop writes: carts are
	// <RedisPrefix>cart:<id>, their outbox <RedisPrefix>cart:outbox and
	// rate limits under <RedisPrefix>ratelimit:, so shops (or a load run)
	// sharing a Redis keep apart and can delete their keys. Default none.
	RedisPrefix string
	// StripeKey takes payments through Stripe (sk_test_...), and
	// StripeWebhookSecret verifies Stripe's webhooks (whsec_...).
	StripeKey           string
	StripeWebhookSecret string
	// SMTPAddr sends email through an SMTP server (host:port) from
	// SMTPFrom, authenticating when SMTPUsername is set.
	SMTPAddr     string
	SMTPFrom     string
	SMTPUsername string
	SMTPPassword string
	// NATS or Kafka carry the events instead of the in-process bus: a
	// NATS URL (JetStream enabled) or Kafka broker addresses. At most one.
	NATS  string
	Kafka []string
	// PprofAddr, when set, serves net/http/pprof on its own listener at
	// this address (keep it on loopback): profiles of the running shop,
	// never on the shop's own port.
	PprofAddr string

	// Logger receives the shop's logs, log notifications included.
	// Default: text to stderr.
	Logger *slog.Logger

	// onReady, when set, is called with the running shop once it answers
	// requests; tests use it to reach the services and the address.
	onReady func(*shop)
	// adminKeyGenerated records that AdminKey was generated, so the banner
	// prints it.
	adminKeyGenerated bool
	// topicPrefix, when set, starts the bus's topics, so that tests on
	// shared servers stay apart.
	topicPrefix string
	// stripeURL, when set, is the Stripe API's address (stripe-mock's).
	stripeURL string
	// webhookSecret signs and verifies the fake payment provider's
	// webhooks: generated at start, so nobody else knows it.
	webhookSecret string
	// timeouts bound how long the server waits on a client; zero fields
	// take defaultTimeouts' (tests shorten them).
	timeouts serverTimeouts
	// adminThrottle bounds failed admin logins per client address; zero
	// fields take defaultAdminThrottle's.
	adminThrottle throttleLimits
	// tracerProvider, when set, traces the shop (tests record the spans).
	tracerProvider trace.TracerProvider
	// monitor is the shop's metrics, made by openShop.
	monitor *monitor
}

// minAdminKeyLength is the shortest admin key the shop accepts: a short
// key is guessed, throttle or not.
const minAdminKeyLength = 16

// serverTimeouts are the HTTP server's limits on slow clients.
type serverTimeouts struct {
	// ReadHeader bounds reading a request's headers, Read the whole
	// request with its body, Write the answer, Idle a kept-alive
	// connection between requests.
	ReadHeader, Read, Write, Idle time.Duration
}

// defaultTimeouts leave room for a checkout that waits on the payment
// provider, and none for a client trickling its request.
var defaultTimeouts = serverTimeouts{
	ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second, Idle: 2 * time.Minute,
}

func (t serverTimeouts) orDefault() serverTimeouts {
	d := defaultTimeouts
	for _, f := range []struct{ dst, def *time.Duration }{{&t.ReadHeader, &d.ReadHeader}, {&t.Read, &d.Read}, {&t.Write, &d.Write}, {&t.Idle, &d.Idle}} {
		if *f.dst <= 0 {
			*f.dst = *f.def
		}
	}
	return t
}

// Defaults of Config.
const (
	defaultAddr     = "127.0.0.1:8080"
	defaultProducts = 300
)

// envNames are the environment variables that default the flags. They
// differ from the MERCATO_*_URL variables the tests read, so a shell set
// up for the tests does not switch the shop to real backends.
var envNames = map[string]string{
	"addr":                  "MERCATO_ADDR",
	"base-url":              "MERCATO_BASE_URL",
	"products":              "MERCATO_PRODUCTS",
	"postgres":              "MERCATO_POSTGRES_DSN",
	"postgres-shards":       "MERCATO_POSTGRES_SHARDS",
	"mongodb":               "MERCATO_MONGODB_URI",
	"redis":                 "MERCATO_REDIS_ADDR",
	"redis-prefix":          "MERCATO_REDIS_PREFIX",
	"stripe-key":            "MERCATO_STRIPE_KEY",
	"stripe-webhook-secret": "MERCATO_STRIPE_WEBHOOK_SECRET",
	"smtp":                  "MERCATO_SMTP_ADDR",
	"smtp-from":             "MERCATO_SMTP_FROM",
	"nats":                  "MERCATO_NATS_SERVER",
	"kafka":                 "MERCATO_KAFKA_BROKERS",
	"pprof":                 "MERCATO_PPROF_ADDR",
}

// env names the environment variable that defaults a flag.
func env(flagName string) string { return envNames[flagName] }

// parseConfig reads the command line. A flag not given takes its
// MERCATO_* environment variable, when set; the admin key, the session
// key and the SMTP credentials come from the environment only, so they
// never show in a process list. Usage and errors go to output.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("storefront", flag.ContinueOnError)
	fs.SetOutput(output)
	str := func(p *string, name, def, usage string) {
		fs.StringVar(p, name, def, usage+" (env "+env(name)+")")
	}
	var kafka, shards string
	str(&cfg.Addr, "addr", defaultAddr, "listen address")
	str(&cfg.BaseURL, "base-url", "", "public URL of the shop, for links in emails (default http://<addr>)")
	fs.IntVar(&cfg.Products, "products", defaultProducts, "products to generate into an empty catalog; 0 seeds nothing (env "+env("products")+")")
	str(&cfg.PostgresDSN, "postgres", "", "PostgreSQL connection string: catalog, customers, stock, payments and notifications in Postgres")
	str(&shards, "postgres-shards", "", "comma-separated PostgreSQL connection strings, one per shard: customers, orders and payments sharded by customer")
	str(&cfg.MongoDB, "mongodb", "", "MongoDB URI (mongodb://host:port/db): the catalog in MongoDB")
	str(&cfg.Redis, "redis", "", "Redis address (host:port or redis:// URL): carts in Redis")
	str(&cfg.RedisPrefix, "redis-prefix", "", "prefix of every Redis key: carts are <prefix>cart:<id>, rate limits <prefix>ratelimit:...")
	str(&cfg.StripeKey, "stripe-key", "", "Stripe secret key (sk_test_...): payments through Stripe; prefer the variable, flags show in process lists")
	str(&cfg.StripeWebhookSecret, "stripe-webhook-secret", "", "Stripe webhook signing secret (whsec_...)")
	str(&cfg.SMTPAddr, "smtp", "", "SMTP server host:port: email through SMTP instead of the log")
	str(&cfg.SMTPFrom, "smtp-from", "shop@example.com", "sender address of email")
	str(&cfg.NATS, "nats", "", "NATS URL (JetStream enabled): events over NATS")
	str(&kafka, "kafka", "", "comma-separated Kafka brokers: events over Kafka")
	str(&cfg.PprofAddr, "pprof", "", "address (host:port, keep it on loopback) of a separate listener serving net/http/pprof; off when empty")
	fs.Usage = func() {
		fmt.Fprintf(output, "Usage: go run ./examples/storefront [flags]\n\n"+
			"Runs the Mercato demo shop. With no flags everything is embedded and in memory.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(output, "\nEnvironment only (secrets):\n"+
			"  MERCATO_ADMIN_KEY         admin key, at least 16 characters (generated and printed when unset)\n"+
			"  MERCATO_SESSION_KEY       signing key of customer sessions and shop cookies, at least 32 bytes\n"+
			"  MERCATO_SMTP_USERNAME     SMTP user (with MERCATO_SMTP_PASSWORD)\n")
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if v := getenv(env(f.Name)); v != "" && !given[f.Name] && err == nil {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", env(f.Name), v, serr)
			}
		}
	})
	if err != nil {
		return cfg, err
	}
	for _, s := range strings.Split(shards, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.PostgresShards = append(cfg.PostgresShards, s)
		}
	}
	for _, b := range strings.Split(kafka, ",") {
		if b = strings.TrimSpace(b); b != "" {
			cfg.Kafka = append(cfg.Kafka, b)
		}
	}
	if cfg.Products == 0 {
		cfg.Products = -1 // the flag's 0 is none; the Config's 0 is the default
	}
	cfg.AdminKey = getenv("MERCATO_ADMIN_KEY")
	cfg.SessionKey = getenv("MERCATO_SESSION_KEY")
	cfg.SMTPUsername = getenv("MERCATO_SMTP_USERNAME")
	cfg.SMTPPassword = getenv("MERCATO_SMTP_PASSWORD")
	return cfg, nil
}

// resolved returns cfg with its defaults applied, or the first
// inconsistency.
func (cfg Config) resolved(stderr io.Writer) (Config, error) {
	if cfg.Addr == "" {
		cfg.Addr = defaultAddr
	}
	if cfg.Products == 0 {
		cfg.Products = defaultProducts
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	if cfg.AdminKey == "" {
		cfg.AdminKey, cfg.adminKeyGenerated = randomHex(16), true
	}
	if n := len([]rune(cfg.AdminKey)); n < minAdminKeyLength {
		return cfg, fmt.Errorf("MERCATO_ADMIN_KEY must be at least %d characters, got %d: choose a long random key, or leave it unset to have one generated", minAdminKeyLength, n)
	}
	if cfg.webhookSecret == "" {
		cfg.webhookSecret = "whsec_" + randomHex(24)
	}
	cfg.timeouts = cfg.timeouts.orDefault()
	cfg.adminThrottle = cfg.adminThrottle.orDefault()
	if cfg.SessionKey != "" && len(cfg.SessionKey) < 32 {
		return cfg, fmt.Errorf("MERCATO_SESSION_KEY must be at least 32 bytes, got %d", len(cfg.SessionKey))
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return cfg, fmt.Errorf("base URL %q must be an absolute http(s) URL", cfg.BaseURL)
		}
		cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	}
	switch {
	case cfg.NATS != "" && len(cfg.Kafka) > 0:
		return cfg, fmt.Errorf("choose one bus: -nats or -kafka, not both")
	case cfg.StripeWebhookSecret != "" && cfg.StripeKey == "":
		return cfg, fmt.Errorf("a Stripe webhook secret needs a Stripe key (-stripe-key)")
	case (cfg.SMTPUsername == "") != (cfg.SMTPPassword == ""):
		return cfg, fmt.Errorf("set both MERCATO_SMTP_USERNAME and MERCATO_SMTP_PASSWORD, or neither")
	}
	return cfg, nil
}

// randomHex returns n random bytes in hex. crypto/rand.Read never fails.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// baseURL is the shop's public URL: Config.BaseURL, or the address it
// listens on (an unspecified host shown as localhost).
func (cfg Config) baseURL(addr net.Addr) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
