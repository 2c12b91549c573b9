package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
)

// The services of the topology, in the order they start and are printed.
// "user" is the customer service: accounts, logins and sessions.
const (
	svcGateway      = "gateway"
	svcUser         = "user"
	svcProduct      = "product"
	svcCart         = "cart"
	svcOrder        = "order"
	svcPayment      = "payment"
	svcInventory    = "inventory"
	svcNotification = "notification"
)

// backendServices are the services behind the gateway, with their port
// offsets from Config.PortBase: user 3001 ... notification 3007.
var backendServices = []string{svcUser, svcProduct, svcCart, svcOrder, svcPayment, svcInventory, svcNotification}

// replicaPortStep separates the instances of one service: instance i of a
// service on port P listens on P + i*replicaPortStep (cart: 3003, 3103,
// 3203; a second gateway on 8180).
const replicaPortStep = 100

// maxReplicas bounds -replicas: the instances of one service must stay
// within replicaPortStep's spacing of the next block of ports.
const maxReplicas = 9

// Defaults of Config.
const (
	defaultGatewayAddr = "127.0.0.1:8080"
	defaultPortBase    = 3000
	defaultPostgres    = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	defaultSchemaPfx   = "mercato_"
	defaultRedis       = "127.0.0.1:6379"
	defaultNATS        = "nats://127.0.0.1:4222"
	defaultKafka       = "127.0.0.1:9092"
)

// Environment variables that carry the secrets every instance must share,
// from the supervisor to its children, so they never show in a process
// list. The supervisor generates those not set.
const (
	envAdminKey      = "MERCATO_ADMIN_KEY"
	envSessionKey    = "MERCATO_SESSION_KEY"
	envGuestTokenKey = "MERCATO_GUEST_TOKEN_KEY"
	envWebhookSecret = "MERCATO_WEBHOOK_SECRET"
)

// Config is how the topology runs. Service empty is the supervisor, which
// starts every other process with the same Config and Service set.
type Config struct {
	// Service is the one service this process runs; empty runs the
	// supervisor.
	Service string
	// Addr is the listen address of the service (with Service set).
	Addr string
	// Replicas is the number of instances per service, 1 when absent.
	Replicas map[string]int
	// GatewayAddr is where the first gateway listens (further ones at
	// replicaPortStep above).
	GatewayAddr string
	// PortBase places the services: user on PortBase+1 ... notification
	// on PortBase+7, on 127.0.0.1.
	PortBase int

	// Bus is "nats" or "kafka"; NATS and Kafka their servers.
	Bus   string
	NATS  string
	Kafka []string
	// Postgres is the database; each service keeps its tables in its own
	// schema, SchemaPrefix followed by the service's name.
	Postgres     string
	SchemaPrefix string
	// Redis keeps the carts, their outbox and the gateway's rate limits.
	Redis string
	// SMTP, when set, sends the notification service's email through
	// that server (host:port) from SMTPFrom; the log otherwise.
	SMTP     string
	SMTPFrom string
	// DemoCatalog, in the supervisor, creates the demo catalog through the
	// gateway's admin API once every instance is ready, unless the
	// catalog has products already.
	DemoCatalog bool
	// ClientRate, when positive, is the requests a second the gateway
	// allows each client address and each customer (twice that at
	// once); zero keeps package gateway's defaults.
	ClientRate int
	// TopicPrefix and RedisPrefix start the bus's topics and consumer
	// groups and the Redis keys, so several topologies (tests) share the
	// servers.
	TopicPrefix string
	RedisPrefix string

	// Secrets, from the environment (see the env* constants).
	AdminKey      string
	SessionKey    string
	GuestTokenKey string
	WebhookSecret string
}

// parseConfig reads the command line, and the secrets from getenv.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	cfg := Config{Replicas: map[string]int{}}
	fs := flag.NewFlagSet("microservices", flag.ContinueOnError)
	fs.SetOutput(output)
	var replicas, kafka string
	fs.StringVar(&cfg.Service, "service", "", "run only this service: "+strings.Join(append([]string{svcGateway}, backendServices...), ", ")+" (default: the supervisor, which starts them all)")
	fs.StringVar(&cfg.Addr, "addr", "", "listen address of the service run by -service")
	fs.StringVar(&replicas, "replicas", "", "instances per service, e.g. cart=2,order=2; instance i listens 100*i above the first")
	fs.StringVar(&cfg.GatewayAddr, "gateway-addr", defaultGatewayAddr, "listen address of the gateway")
	fs.IntVar(&cfg.PortBase, "port-base", defaultPortBase, "the services listen on 127.0.0.1, user at port-base+1 ... notification at port-base+7")
	fs.StringVar(&cfg.Bus, "bus", "nats", "event bus: nats or kafka")
	fs.StringVar(&cfg.NATS, "nats", defaultNATS, "NATS server (JetStream enabled), with -bus nats")
	fs.StringVar(&kafka, "kafka-brokers", defaultKafka, "comma-separated Kafka brokers, with -bus kafka")
	fs.StringVar(&cfg.Postgres, "postgres", defaultPostgres, "PostgreSQL connection string; each service has its own schema in it")
	fs.StringVar(&cfg.SchemaPrefix, "schema-prefix", defaultSchemaPfx, "prefix of the services' schema names (mercato_user, mercato_order...)")
	fs.StringVar(&cfg.Redis, "redis", defaultRedis, "Redis address: carts and rate limits")
	fs.StringVar(&cfg.SMTP, "smtp", "", "SMTP server host:port for email (default: email written to the notification service's log)")
	fs.StringVar(&cfg.SMTPFrom, "smtp-from", "shop@example.com", "sender address of email")
	fs.BoolVar(&cfg.DemoCatalog, "demo-catalog", true, "create a small demo catalog with stock when the catalog is empty")
	fs.IntVar(&cfg.ClientRate, "client-rate", 0, "requests a second the gateway allows each client address and customer (default: package gateway's limits)")
	fs.StringVar(&cfg.TopicPrefix, "topic-prefix", "", "prefix of the bus's topics and consumer groups")
	fs.StringVar(&cfg.RedisPrefix, "redis-prefix", "", "prefix of the Redis keys")
	fs.Usage = func() {
		fmt.Fprintf(output, "Usage: go run ./examples/microservices [flags]\n\n"+
			"Starts the gateway and the seven services as separate processes, or one service with -service.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(output, "\nEnvironment only (secrets shared by every instance; generated when unset):\n"+
			"  %s  %s  %s  %s\n", envAdminKey, envSessionKey, envGuestTokenKey, envWebhookSecret)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	for _, b := range strings.Split(kafka, ",") {
		if b = strings.TrimSpace(b); b != "" {
			cfg.Kafka = append(cfg.Kafka, b)
		}
	}
	var err error
	if cfg.Replicas, err = parseReplicas(replicas); err != nil {
		return cfg, err
	}
	cfg.AdminKey = getenv(envAdminKey)
	cfg.SessionKey = getenv(envSessionKey)
	cfg.GuestTokenKey = getenv(envGuestTokenKey)
	cfg.WebhookSecret = getenv(envWebhookSecret)
	return cfg, cfg.validate()
}

// parseReplicas reads "cart=2,order=2".
func parseReplicas(s string) (map[string]int, error) {
	out := map[string]int{}
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		name, n, ok := strings.Cut(kv, "=")
		count, err := strconv.Atoi(n)
		if !ok || err != nil || count < 1 || count > maxReplicas {
			return nil, fmt.Errorf("-replicas %q: want service=N with N from 1 to %d", kv, maxReplicas)
		}
		if name != svcGateway && !slices.Contains(backendServices, name) {
			return nil, fmt.Errorf("-replicas: unknown service %q", name)
		}
		out[name] = count
	}
	return out, nil
}

func (cfg Config) validate() error {
	switch {
	case cfg.Service != "" && cfg.Service != svcGateway && !slices.Contains(backendServices, cfg.Service):
		return fmt.Errorf("-service: unknown service %q", cfg.Service)
	case cfg.Service != "" && cfg.Addr == "":
		return fmt.Errorf("-service %s needs -addr", cfg.Service)
	case cfg.Bus != "nats" && cfg.Bus != "kafka":
		return fmt.Errorf("-bus must be nats or kafka, not %q", cfg.Bus)
	case cfg.Bus == "kafka" && len(cfg.Kafka) == 0:
		return fmt.Errorf("-bus kafka needs -kafka-brokers")
	case cfg.PortBase < 1 || cfg.PortBase+len(backendServices)+maxReplicas*replicaPortStep > 65535:
		return fmt.Errorf("-port-base %d leaves no room for the services' ports", cfg.PortBase)
	}
	if _, _, err := net.SplitHostPort(cfg.GatewayAddr); err != nil {
		return fmt.Errorf("-gateway-addr: %w", err)
	}
	return nil
}

// replicas is the number of instances of service.
func (cfg Config) replicas(service string) int {
	if n := cfg.Replicas[service]; n > 0 {
		return n
	}
	return 1
}

// instanceAddrs are the listen addresses of every instance of service.
func (cfg Config) instanceAddrs(service string) []string {
	host, port := "127.0.0.1", cfg.PortBase+1+slices.Index(backendServices, service)
	if service == svcGateway {
		h, p, _ := net.SplitHostPort(cfg.GatewayAddr) // validated
		host = h
		port, _ = strconv.Atoi(p)
	}
	out := make([]string, cfg.replicas(service))
	for i := range out {
		out[i] = net.JoinHostPort(host, strconv.Itoa(port+i*replicaPortStep))
	}
	return out
}

// peerURLs are the base URLs of every instance of service, as the other
// processes reach them.
func (cfg Config) peerURLs(service string) []string {
	addrs := cfg.instanceAddrs(service)
	for i, a := range addrs {
		addrs[i] = "http://" + dialable(a)
	}
	return addrs
}

// dialable turns a listen address into one to dial: an empty or
// unspecified host becomes 127.0.0.1.
func dialable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// childArgs are the flags of the process that runs service at addr: this
// Config's, which every process shares.
func (cfg Config) childArgs(service, addr string) []string {
	var replicas []string
	for _, name := range append([]string{svcGateway}, backendServices...) {
		if n := cfg.Replicas[name]; n > 1 {
			replicas = append(replicas, name+"="+strconv.Itoa(n))
		}
	}
	return []string{
		"-service", service, "-addr", addr,
		"-replicas", strings.Join(replicas, ","),
		"-gateway-addr", cfg.GatewayAddr,
		"-port-base", strconv.Itoa(cfg.PortBase),
		"-bus", cfg.Bus, "-nats", cfg.NATS, "-kafka-brokers", strings.Join(cfg.Kafka, ","),
		"-postgres", cfg.Postgres, "-schema-prefix", cfg.SchemaPrefix,
		"-redis", cfg.Redis,
		"-client-rate", strconv.Itoa(cfg.ClientRate),
		"-smtp", cfg.SMTP, "-smtp-from", cfg.SMTPFrom,
		"-topic-prefix", cfg.TopicPrefix, "-redis-prefix", cfg.RedisPrefix,
	}
}

// childEnv are the secrets every child shares, as environment variables.
func (cfg Config) childEnv() []string {
	return []string{
		envAdminKey + "=" + cfg.AdminKey,
		envSessionKey + "=" + cfg.SessionKey,
		envGuestTokenKey + "=" + cfg.GuestTokenKey,
		envWebhookSecret + "=" + cfg.WebhookSecret,
	}
}

// withSecrets returns cfg with every secret not set generated.
func (cfg Config) withSecrets() Config {
	for _, s := range []struct {
		p      *string
		prefix string
		n      int
	}{{&cfg.AdminKey, "", 16}, {&cfg.SessionKey, "", 32}, {&cfg.GuestTokenKey, "", 32}, {&cfg.WebhookSecret, "whsec_", 24}} {
		if *s.p == "" {
			*s.p = s.prefix + randomHex(s.n)
		}
	}
	return cfg
}

// randomHex returns n random bytes in hex. crypto/rand.Read never fails.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
