package testenv

import (
	"context"
	"errors"
	"fmt"
	"go/build"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

const (
	// EnvFerretDB names the environment variable holding the path of the
	// ferretdb binary, when it is neither in PATH nor in GOPATH/bin.
	EnvFerretDB = "MERCATO_FERRETDB"
	// EnvMongoDBURL names the environment variable holding the URL of a
	// real MongoDB server, for the few tests that need a feature FerretDB
	// lacks. No such server is started: without it those tests skip.
	EnvMongoDBURL = "MERCATO_MONGODB_URL"
	// ferretDBStart bounds how long FerretDB may take to answer.
	ferretDBStart = 30 * time.Second
	// ferretDBAttempts is how often a start is retried when another
	// process takes the free port between picking and binding it.
	ferretDBAttempts = 3
)

// FerretDB starts FerretDB (github.com/FerretDB/FerretDB v1, installed by
// .ci/run), a MongoDB-wire-compatible server, for the test and returns its
// connection string, such as "mongodb://127.0.0.1:41417/". It keeps its
// data with the SQLite backend in a temporary directory of the test,
// listens on a loopback port the system picks, answers before FerretDB
// returns, and is killed at cleanup. Use [MongoDatabase] to give each test
// its own database on it.
//
// The binary is looked up in [EnvFerretDB], then PATH, then every GOPATH's
// bin directory. When it cannot be found or started the test is skipped,
// or failed when [EnvRequireServices] is set; see the package
// documentation.
func FerretDB(t testing.TB) string {
	t.Helper()
	bin, err := findFerretDB()
	if err != nil {
		requireOrSkip(t, "ferretdb", "PATH or GOPATH/bin", EnvFerretDB, err)
	}
	dir := t.TempDir() // registered before the kill, so removed after it
	for attempt := 1; ; attempt++ {
		uri, stop, err := startFerretDB(bin, filepath.Join(dir, fmt.Sprintf("data-%d", attempt)))
		if err == nil {
			t.Cleanup(stop)
			return uri
		}
		if attempt == ferretDBAttempts {
			requireOrSkip(t, "ferretdb", bin, EnvFerretDB, err)
		}
	}
}

// MongoDBURL returns the URL in [EnvMongoDBURL], or skips the test: even
// in CI, because no real MongoDB is available to Mercato's CI, a test
// that needs one is skipped, never counted as proof.
func MongoDBURL(t testing.TB) string {
	t.Helper()
	u := strings.TrimSpace(os.Getenv(EnvMongoDBURL))
	if u == "" {
		t.Skipf("needs a real MongoDB server (a feature FerretDB lacks): set %s; skipped even with %s, as no MongoDB runs in CI", EnvMongoDBURL, EnvRequireServices)
	}
	return u
}

// MongoDatabase connects to the server at uri and returns a database of
// the test's own, named mercato_test_<random>, which is dropped at cleanup.
func MongoDatabase(t testing.TB, uri string) *mongo.Database {
	t.Helper()
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetConnectTimeout(connectTimeout))
	if err != nil {
		t.Fatalf("testenv: connect to %s: %v", redact(uri), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), ferretDBStart)
	defer cancel()
	if err := client.Ping(ctx, nil); err != nil {
		_ = client.Disconnect(ctx)
		requireOrSkip(t, "mongodb", uri, EnvMongoDBURL, err)
	}
	db := client.Database("mercato_test_" + randomHex(6))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), ferretDBStart)
		defer cancel()
		if err := db.Drop(ctx); err != nil {
			t.Errorf("testenv: drop database %s: %v", db.Name(), err)
		}
		_ = client.Disconnect(ctx)
	})
	return db
}

// findFerretDB returns the path of the ferretdb binary.
func findFerretDB() (string, error) {
	if p := strings.TrimSpace(os.Getenv(EnvFerretDB)); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	if p, err := exec.LookPath("ferretdb"); err == nil {
		return p, nil
	}
	for _, dir := range filepath.SplitList(build.Default.GOPATH) {
		p := filepath.Join(dir, "bin", "ferretdb")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("ferretdb binary not found (.ci/run installs FerretDB v1.24.2)")
}

// startFerretDB runs bin with the SQLite backend in dir on a free
// loopback port and waits until the port accepts connections. stop kills
// it and waits for it to exit.
func startFerretDB(bin, dir string) (uri string, stop func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	port, err := freeLoopbackPort()
	if err != nil {
		return "", nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin,
		"--handler=sqlite", "--sqlite-url=file:"+dir+"/",
		"--listen-addr="+addr,
		"--state-dir="+dir,
		"--debug-addr=-", // no metrics listener
		"--telemetry=disable",
		"--log-level=error",
	)
	var out SyncBuffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop = func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	uri = "mongodb://" + addr + "/"
	ctx, cancel := context.WithTimeout(context.Background(), ferretDBStart)
	defer cancel()
	if err := waitForFerretDB(ctx, exited, uri); err != nil {
		stop()
		if s := strings.TrimSpace(out.String()); s != "" {
			err = fmt.Errorf("%w; ferretdb said: %s", err, s)
		}
		return "", nil, err
	}
	return uri, stop, nil
}

// waitForFerretDB pings the server until it answers, the process exits or
// ctx ends.
func waitForFerretDB(ctx context.Context, exited <-chan struct{}, uri string) error {
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetConnectTimeout(connectTimeout).SetServerSelectionTimeout(connectTimeout))
	if err != nil {
		return err
	}
	defer func() { _ = client.Disconnect(context.WithoutCancel(ctx)) }()
	var last error
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 250*time.Millisecond) {
		pingCtx, cancel := context.WithTimeout(ctx, connectTimeout)
		last = client.Ping(pingCtx, nil)
		cancel()
		if last == nil {
			return nil
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-exited:
			t.Stop()
			return fmt.Errorf("ferretdb exited before answering: %w", last)
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("ferretdb did not answer within %v: %w", ferretDBStart, last)
		}
	}
}
