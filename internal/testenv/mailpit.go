package testenv

import (
	"context"
	"errors"
	"fmt"
	"go/build"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	// EnvMailpit names the environment variable holding the path of the
	// mailpit binary, when it is neither in PATH nor in GOPATH/bin.
	EnvMailpit = "MERCATO_MAILPIT"
	// mailpitStart bounds how long Mailpit may take to answer on both its
	// SMTP and HTTP ports.
	mailpitStart = 30 * time.Second
	// mailpitAttempts is how often a start is retried when another process
	// takes one of the free ports between picking and binding it.
	mailpitAttempts = 3
)

// Mailpit starts Mailpit (github.com/axllent/mailpit, installed by .ci/run)
// for the test and returns the address of its SMTP server, such as
// "127.0.0.1:41417", and the base URL of its HTTP API, such as
// "http://127.0.0.1:41418" (messages are listed at apiURL+"/api/v1/messages").
// Both listen on loopback ports the system picks, answer before Mailpit
// returns, and the process is killed at cleanup; its database lives in a
// temporary directory of the test, so every call starts empty.
//
// extraArgs are appended to Mailpit's command line, for example
// "--smtp-allowed-recipients", `@example\.com$` to make it reject every
// other recipient with a 550, or "--enable-chaos", "--chaos-triggers",
// "recipient:451:100" to make it refuse every recipient with a 451.
//
// The binary is looked up in [EnvMailpit], then PATH, then every GOPATH's
// bin directory. When it cannot be found or started the test is skipped, or
// failed when [EnvRequireServices] is set; see the package documentation.
func Mailpit(t testing.TB, extraArgs ...string) (smtpAddr, apiURL string) {
	t.Helper()
	bin, err := findMailpit()
	if err != nil {
		requireOrSkip(t, "mailpit", "PATH or GOPATH/bin", EnvMailpit, err)
	}
	dir := t.TempDir() // registered before the kill, so removed after it
	for attempt := 1; ; attempt++ {
		smtpAddr, apiURL, stop, err := startMailpit(bin, filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", attempt)), extraArgs)
		if err == nil {
			t.Cleanup(stop)
			return smtpAddr, apiURL
		}
		if attempt == mailpitAttempts {
			requireOrSkip(t, "mailpit", bin, EnvMailpit, err)
		}
	}
}

// findMailpit returns the path of the mailpit binary.
func findMailpit() (string, error) {
	if p := strings.TrimSpace(os.Getenv(EnvMailpit)); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
		return p, nil
	}
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p, nil
	}
	for _, dir := range filepath.SplitList(build.Default.GOPATH) {
		p := filepath.Join(dir, "bin", "mailpit")
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("mailpit binary not found (go install github.com/axllent/mailpit@v1.33.1)")
}

// freeLoopbackPort asks the system for a free TCP port on 127.0.0.1.
// Another process may take it before Mailpit binds it; Mailpit then exits
// and the caller retries.
func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startMailpit runs bin on two free loopback ports with its database at
// dbPath and waits until both its SMTP and HTTP servers answer. stop kills
// it and waits for it to exit.
func startMailpit(bin, dbPath string, extraArgs []string) (smtpAddr, apiURL string, stop func(), err error) {
	smtpPort, err := freeLoopbackPort()
	if err != nil {
		return "", "", nil, err
	}
	httpPort, err := freeLoopbackPort()
	if err != nil {
		return "", "", nil, err
	}
	smtpAddr = net.JoinHostPort("127.0.0.1", strconv.Itoa(smtpPort))
	httpAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(httpPort))
	args := append([]string{
		"--smtp", smtpAddr,
		"--listen", httpAddr,
		"--database", dbPath,
		"--max", "0", // keep every message: tests count them
		"--quiet",
		"--disable-version-check",
		"--smtp-disable-rdns", // no DNS lookups of 127.0.0.1 per connection
	}, extraArgs...)
	cmd := exec.Command(bin, args...)
	var out SyncBuffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return "", "", nil, err
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
	apiURL = "http://" + httpAddr
	ctx, cancel := context.WithTimeout(context.Background(), mailpitStart)
	defer cancel()
	if err := waitForMailpit(ctx, exited, smtpAddr, apiURL); err != nil {
		stop()
		if s := strings.TrimSpace(out.String()); s != "" {
			err = fmt.Errorf("%w; mailpit said: %s", err, s)
		}
		return "", "", nil, err
	}
	return smtpAddr, apiURL, stop, nil
}

// waitForMailpit polls until Mailpit's API reports ready and its SMTP port
// greets, with a growing delay, until ctx ends or the process exits.
func waitForMailpit(ctx context.Context, exited <-chan struct{}, smtpAddr, apiURL string) error {
	client := &http.Client{Timeout: connectTimeout}
	var last error
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 250*time.Millisecond) {
		last = probeMailpit(ctx, client, smtpAddr, apiURL)
		if last == nil {
			return nil
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-exited:
			t.Stop()
			return fmt.Errorf("mailpit exited before answering: %w", last)
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("mailpit did not answer within %v: %w", mailpitStart, last)
		}
	}
}

// probeMailpit checks once that the API is ready and the SMTP server sends
// its 220 greeting.
func probeMailpit(ctx context.Context, client *http.Client, smtpAddr, apiURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /readyz: %s", resp.Status)
	}
	d := net.Dialer{Timeout: connectTimeout}
	conn, err := d.DialContext(ctx, "tcp", smtpAddr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(connectTimeout))
	greeting := make([]byte, 3)
	if _, err := io.ReadFull(conn, greeting); err != nil {
		return fmt.Errorf("smtp greeting: %w", err)
	}
	if string(greeting) != "220" {
		return fmt.Errorf("smtp greeting %q", greeting)
	}
	_, _ = conn.Write([]byte("QUIT\r\n"))
	return nil
}
