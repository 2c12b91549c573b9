package main

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/internal/testenv"
)

// envChild makes the test binary act as the program: the supervisor
// under test starts its children as this binary with this variable set.
const envChild = "MERCATO_MICROSERVICES_TEST_CHILD"

// waitTimeout bounds every wait of the tests: the topology starts eight
// processes or more on a loaded machine.
const waitTimeout = 3 * time.Minute

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(realMain(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// topology is a supervisor run by a test, and the servers it uses.
type topology struct {
	cfg     Config
	sup     *supervisor
	db      *pgxpool.Pool // the database of every service's schema, to audit
	out     *testenv.SyncBuffer
	gateway string // base URL of the first gateway's API, ".../api"
	done    chan error
	cancel  context.CancelFunc
}

// startTopology runs the supervisor in this process (its children as
// processes of the test binary) on the local PostgreSQL, Redis and NATS,
// each isolated for the test, on free ports; it returns once every
// instance answers /healthz. Cleanup stops it, and the test fails unless
// the stop is clean.
func startTopology(t *testing.T, edit func(*Config)) *topology {
	t.Helper()
	pool := testenv.Postgres(t) // skips or fails without PostgreSQL
	red := testenv.Redis(t)
	nats := testenv.NATS(t)
	prefix := "ms" + strings.ToLower(randomHex(4)) + "_"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, s := range backendServices {
			if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{prefix + s}.Sanitize()+" CASCADE"); err != nil {
				t.Errorf("drop schema %s: %v", prefix+s, err)
			}
		}
	})
	cfg := Config{
		Replicas:     map[string]int{},
		Bus:          "nats",
		NATS:         nats.URL,
		Postgres:     testenv.PostgresDSN(),
		SchemaPrefix: prefix,
		Redis:        red.Client.Options().Addr,
		SMTPFrom:     "shop@example.com",
		TopicPrefix:  strings.TrimSuffix(nats.Prefix, "_"),
		RedisPrefix:  red.Prefix,
	}
	if edit != nil {
		edit(&cfg)
	}
	cfg.PortBase, cfg.GatewayAddr = freePorts(t, cfg)
	cfg = cfg.withSecrets()
	require.NoError(t, cfg.validate())

	out := &testenv.SyncBuffer{}
	log := slog.New(slog.NewTextHandler(out, nil)).With("service", "supervisor")
	sup := newSupervisor(cfg, os.Args[0], []string{envChild + "=1"}, out, log)
	ctx, cancel := context.WithCancel(context.Background())
	tp := &topology{cfg: cfg, sup: sup, db: pool, out: out, gateway: "http://" + cfg.GatewayAddr + "/api", done: make(chan error, 1), cancel: cancel}
	ready := make(chan struct{})
	go func() { tp.done <- sup.run(ctx, func() { close(ready) }) }()
	t.Cleanup(func() {
		tp.stop(t)
		if t.Failed() {
			t.Logf("topology output:\n%s", out.String())
		}
	})
	select {
	case <-ready:
	case err := <-tp.done:
		tp.done <- err
		t.Fatalf("the topology did not start: %v", err)
	case <-time.After(waitTimeout + 10*time.Second):
		t.Fatalf("the topology not ready within %s", waitTimeout)
	}
	return tp
}

// stop stops the supervisor (as Ctrl+C does) and checks that it returned
// nil with every child gone. A second stop does nothing.
func (tp *topology) stop(t *testing.T) {
	t.Helper()
	tp.cancel()
	select {
	case err, ok := <-tp.done:
		if ok {
			require.NoError(t, err)
			close(tp.done)
		}
	case <-time.After(2 * stopTimeout):
		t.Fatalf("the supervisor did not stop within %s", 2*stopTimeout)
	}
}

// freePorts finds a port base whose services' ports, and a gateway
// address whose ports, are free on loopback for cfg's replicas.
func freePorts(t *testing.T, cfg Config) (int, string) {
	t.Helper()
	for range 50 {
		base := 20000 + rand.IntN(400)*100
		cfg.PortBase, cfg.GatewayAddr = base, "127.0.0.1:"+strconv.Itoa(base+80)
		var addrs []string
		for _, s := range append([]string{svcGateway}, backendServices...) {
			addrs = append(addrs, cfg.instanceAddrs(s)...)
		}
		if allFree(addrs) {
			return cfg.PortBase, cfg.GatewayAddr
		}
	}
	t.Fatal("no free block of ports on loopback")
	return 0, ""
}

func allFree(addrs []string) bool {
	var open []net.Listener
	defer func() {
		for _, l := range open {
			_ = l.Close()
		}
	}()
	for _, a := range addrs {
		l, err := net.Listen("tcp", a)
		if err != nil {
			return false
		}
		open = append(open, l)
	}
	return true
}

// waitFor polls cond until it holds, failing the test after waitTimeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, waitTimeout)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not a wait for an outcome
	}
}

// healthz returns the status of GET url/healthz, 0 when nothing answers.
func healthz(url string) int {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		return 0
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// instanceURL is the base URL of an instance.
func instanceURL(in *instance) string { return fmt.Sprintf("http://%s", dialable(in.Addr)) }
