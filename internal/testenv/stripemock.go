package testenv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/build"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	// EnvStripeMock names the environment variable holding the path of the
	// stripe-mock binary, when it is neither in PATH nor in GOPATH/bin.
	EnvStripeMock = "MERCATO_STRIPE_MOCK"
	// EnvStripeMockURL names the environment variable holding the URL of a
	// stripe-mock that is already running; when set, [StripeMock] uses it
	// instead of starting one.
	EnvStripeMockURL = "MERCATO_STRIPE_MOCK_URL"
	// stripeMockStart bounds how long stripe-mock may take to answer.
	stripeMockStart = 30 * time.Second
)

// StripeMock starts Stripe's stripe-mock (github.com/stripe/stripe-mock,
// installed by .ci/run) for the test and returns its base URL, such as
// "http://127.0.0.1:41417". The server listens on a port the system picks,
// on loopback only (its HTTPS listener too), answers before StripeMock
// returns, and is killed at cleanup. stripe-mock keeps no state between
// requests, so tests may share nothing and still run in parallel.
//
// The binary is looked up in [EnvStripeMock], then PATH, then every
// GOPATH's bin directory. When it cannot be found or started the test is
// skipped, or failed when [EnvRequireServices] is set; see the package
// documentation. With [EnvStripeMockURL] set, that server is used as is.
func StripeMock(t testing.TB) string {
	t.Helper()
	if u := strings.TrimSpace(os.Getenv(EnvStripeMockURL)); u != "" {
		if err := waitForStripeMock(context.Background(), u); err != nil {
			requireOrSkip(t, "stripe-mock", u, EnvStripeMockURL, err)
		}
		return strings.TrimRight(u, "/")
	}
	bin, err := findStripeMock()
	if err != nil {
		requireOrSkip(t, "stripe-mock", "PATH or GOPATH/bin", EnvStripeMock, err)
	}
	url, stop, err := startStripeMock(bin)
	if err != nil {
		requireOrSkip(t, "stripe-mock", bin, EnvStripeMock, err)
	}
	t.Cleanup(stop)
	return url
}

// findStripeMock returns the path of the stripe-mock binary.
func findStripeMock() (string, error) {
	if p := strings.TrimSpace(os.Getenv(EnvStripeMock)); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	for _, dir := range filepath.SplitList(build.Default.GOPATH) {
		p := filepath.Join(dir, "bin", "stripe-mock")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("stripe-mock binary not found (go install github.com/stripe/stripe-mock@v0.203.0)")
}

// startStripeMock runs bin on free loopback ports and waits until it
// answers. stop kills it and waits for it to exit.
func startStripeMock(bin string) (url string, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), stripeMockStart)
	defer cancel()
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	exited := make(chan struct{})
	stop = func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	addr := make(chan string, 1)
	go func() {
		// Read the address it announces, then keep draining so it never
		// blocks on a full pipe.
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "Listening for HTTP at address: "); ok {
				select {
				case addr <- strings.TrimSpace(a):
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case a := <-addr:
		url = "http://" + a
	case <-exited:
		return "", nil, errors.New("stripe-mock exited before listening")
	case <-ctx.Done():
		stop()
		return "", nil, fmt.Errorf("stripe-mock did not announce its address within %v", stripeMockStart)
	}
	if err := waitForStripeMock(ctx, url); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// waitForStripeMock polls url until stripe-mock answers an API request,
// for at most stripeMockStart.
func waitForStripeMock(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, stripeMockStart)
	defer cancel()
	client := &http.Client{Timeout: connectTimeout}
	var last error
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(url, "/")+"/v1/balance", nil)
		if err != nil {
			return err
		}
		req.SetBasicAuth("sk_test_123", "")
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /v1/balance: %s", resp.Status)
		}
		last = err
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("stripe-mock at %s did not answer: %w", url, last)
		}
	}
}
