package testenv

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const (
	// EnvNATSURL names the environment variable holding the NATS server URL.
	EnvNATSURL = "MERCATO_NATS_URL"
	// DefaultNATSURL is used when [EnvNATSURL] is unset.
	DefaultNATSURL = "nats://127.0.0.1:4222"
)

// NATSEnv is a NATS connection together with the name prefix reserved for
// one test.
type NATSEnv struct {
	// URL is the server URL Conn was made from, for libraries that dial
	// their own connection.
	URL string
	// Conn is connected to the server, which has JetStream enabled. It is
	// closed at cleanup.
	Conn *nats.Conn
	// Prefix is unique to the test, of the form "T_<name>_<hex>_", and
	// contains only [A-Za-z0-9_-], so it is valid at the start of stream,
	// consumer, key-value and object store names and as part of a subject
	// token. Streams (and KV/object store buckets) the test creates must
	// start with it to be deleted at cleanup; subjects should start with it
	// to stay isolated from other tests.
	Prefix string
}

// JetStream returns a JetStream context for Conn.
func (e *NATSEnv) JetStream() (jetstream.JetStream, error) {
	return jetstream.New(e.Conn)
}

// NATS connects to the configured NATS server, checks that JetStream is
// enabled and reserves a unique name prefix for the test. At cleanup every
// JetStream stream whose name starts with Prefix, "KV_"+Prefix or
// "OBJ_"+Prefix is deleted (over a separate connection, so it works even if
// the test closed Conn) and Conn is closed. If NATS cannot be reached, or
// has no JetStream, the test is skipped, or failed when [EnvRequireServices]
// is set; see the package documentation.
func NATS(t testing.TB) *NATSEnv {
	t.Helper()
	url := envOr(EnvNATSURL, DefaultNATSURL)
	nc, err := connectNATS(url, t.Name())
	if err != nil {
		requireOrSkip(t, "nats", url, EnvNATSURL, err)
	}
	js, err := jetstream.New(nc)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*connectTimeout)
		_, err = js.AccountInfo(ctx)
		cancel()
	}
	if err != nil {
		nc.Close()
		requireOrSkip(t, "nats", url, EnvNATSURL, fmt.Errorf("server is up but JetStream is unavailable (start nats-server with -js): %w", err))
	}

	name := sanitizeName(t.Name(), 32, func(r rune) bool { return isAlnum(r) || r == '_' || r == '-' })
	env := &NATSEnv{URL: url, Conn: nc, Prefix: "T_" + name + "_" + randomHex(6) + "_"}
	if name == "" {
		env.Prefix = "T_" + randomHex(6) + "_"
	}
	t.Cleanup(func() {
		nc.Close()
		deleteStreams(t, url, env.Prefix)
	})
	return env
}

// connectNATS dials url with a short timeout and no reconnection attempts at
// connect time.
func connectNATS(url, testName string) (*nats.Conn, error) {
	return nats.Connect(url,
		nats.Name("mercato testenv "+testName),
		nats.Timeout(connectTimeout),
	)
}

// deleteStreams deletes every stream belonging to prefix over a new
// connection.
func deleteStreams(t testing.TB, url, prefix string) {
	nc, err := connectNATS(url, "cleanup "+prefix)
	if err != nil {
		t.Errorf("testenv: nats cleanup of %q: connect: %v", prefix, err)
		return
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Errorf("testenv: nats cleanup of %q: %v", prefix, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()

	var mine []string
	lister := js.StreamNames(ctx)
	for name := range lister.Name() {
		if ownsStream(name, prefix) {
			mine = append(mine, name)
		}
	}
	if err := lister.Err(); err != nil {
		t.Errorf("testenv: nats cleanup of %q: list streams: %v", prefix, err)
		return
	}
	for _, name := range mine {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Errorf("testenv: nats cleanup of %q: delete stream %s: %v", prefix, name, err)
		}
	}
}

// ownsStream reports whether the stream called name belongs to the test
// holding prefix, directly or as the backing stream of a key-value or
// object store bucket.
func ownsStream(name, prefix string) bool {
	return strings.HasPrefix(name, prefix) ||
		strings.HasPrefix(name, "KV_"+prefix) ||
		strings.HasPrefix(name, "OBJ_"+prefix)
}
