package testenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Environment variables naming the Prometheus tools, when they are not in
// PATH under their Debian names.
const (
	EnvPromtool     = "MERCATO_PROMTOOL"
	EnvAmtool       = "MERCATO_AMTOOL"
	EnvPrometheus   = "MERCATO_PROMETHEUS"
	EnvAlertmanager = "MERCATO_ALERTMANAGER"
)

// startAttempts is how often Prometheus and Alertmanager are started on a
// fresh pair of free ports before the test gives up: another process may
// take a port between the probe and the bind.
const startAttempts = 3

// promStartTimeout bounds how long a started server has to answer.
const promStartTimeout = 30 * time.Second

// Promtool returns the path of promtool (Debian package prometheus,
// installed by .ci/run). When it is missing the test is skipped, or failed
// when [EnvRequireServices] is set.
func Promtool(t testing.TB) string { return promBinary(t, EnvPromtool, "promtool") }

// Amtool returns the path of amtool (Debian package
// prometheus-alertmanager, installed by .ci/run), with the same rule.
func Amtool(t testing.TB) string { return promBinary(t, EnvAmtool, "amtool") }

func promBinary(t testing.TB, envVar string, names ...string) string {
	t.Helper()
	if p := strings.TrimSpace(os.Getenv(envVar)); p != "" {
		if _, err := os.Stat(p); err != nil {
			requireOrSkip(t, names[0], p, envVar, err)
		}
		return p
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	requireOrSkip(t, names[0], "PATH", envVar, errors.New("not installed (apt-get install prometheus prometheus-alertmanager)"))
	return ""
}

// Prometheus starts a Prometheus server for the test on a free loopback
// port, with config (prometheus.yml's text) and the named rule files
// written beside it in a temporary directory (config refers to them by
// their base names), and returns its base URL ("http://127.0.0.1:41417").
// Its storage is in the test's temporary directory; the process is killed
// at cleanup. A missing binary skips the test, or fails it when
// [EnvRequireServices] is set.
func Prometheus(t testing.TB, config string, files map[string][]byte) string {
	t.Helper()
	bin := promBinary(t, EnvPrometheus, "prometheus")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return startPromServer(t, bin, "prometheus", dir, func(addr string) []string {
		return []string{
			"--config.file=" + filepath.Join(dir, "prometheus.yml"),
			"--storage.tsdb.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr,
		}
	}, "/-/ready")
}

// Alertmanager starts an Alertmanager for the test on a free loopback port
// with config (alertmanager.yml's text) and returns its base URL. Its
// clustering is off and its data is in a temporary directory; the process
// is killed at cleanup. A missing binary skips the test, or fails it when
// [EnvRequireServices] is set.
func Alertmanager(t testing.TB, config string) string {
	t.Helper()
	bin := promBinary(t, EnvAlertmanager, "prometheus-alertmanager", "alertmanager")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "alertmanager.yml"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return startPromServer(t, bin, "alertmanager", dir, func(addr string) []string {
		return []string{
			"--config.file=" + filepath.Join(dir, "alertmanager.yml"),
			"--storage.path=" + filepath.Join(dir, "data"),
			"--web.listen-address=" + addr,
			"--cluster.listen-address=",
		}
	}, "/-/ready")
}

// startPromServer runs bin with args for a free port until it answers
// readyPath, killing it at cleanup.
func startPromServer(t testing.TB, bin, name, dir string, args func(addr string) []string, readyPath string) string {
	t.Helper()
	var lastErr error
	for attempt := 1; attempt <= startAttempts; attempt++ {
		port, err := freeLoopbackPort()
		if err != nil {
			lastErr = err
			continue
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		logPath := filepath.Join(dir, fmt.Sprintf("%s-%d.log", name, attempt))
		logFile, err := os.Create(logPath)
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, args(addr)...)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = logFile, logFile
		if err := cmd.Start(); err != nil {
			_ = logFile.Close()
			lastErr = err
			continue
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		stop := func() {
			_ = cmd.Process.Kill()
			<-exited
			_ = logFile.Close()
		}
		url := "http://" + addr
		if err := waitReady(url+readyPath, exited); err != nil {
			stop()
			log, _ := os.ReadFile(logPath)
			lastErr = fmt.Errorf("%w; log:\n%s", err, log)
			continue
		}
		t.Cleanup(stop)
		return url
	}
	requireOrSkip(t, name, bin, "MERCATO_"+strings.ToUpper(name), lastErr)
	return ""
}

// waitReady polls url until it answers 200, the process exits or the
// start timeout passes.
func waitReady(url string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), promStartTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("exited before answering")
		case <-ctx.Done():
			return fmt.Errorf("no answer at %s: %w", url, ctx.Err())
		case <-tick.C:
		}
	}
}
