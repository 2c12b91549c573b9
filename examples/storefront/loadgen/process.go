package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// buildBinary builds the main package pkg (an import path) into dir and
// returns the binary's path.
func buildBinary(ctx context.Context, pkg, dir string) (string, error) {
	bin := filepath.Join(dir, path.Base(pkg))
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("build %s: %w", pkg, err)
	}
	return bin, nil
}

// process is a program the load generator started. It keeps the last
// lines of the program's output, for when the program fails, and the
// duration its "ready in" banner reports.
type process struct {
	cmd     *exec.Cmd
	started time.Time
	// ready is how long after the exec waitReady saw the process ready.
	ready   time.Duration
	out     *tailWriter
	exited  chan struct{}
	exitErr error

	stopOnce sync.Once
	stopTook time.Duration
	stopErr  error
}

// readyLine is the banner of the shop and of the services' supervisor.
var readyLine = regexp.MustCompile(`ready in ([0-9.]+[a-zµ]+)`)

// startProcess starts bin with args and env, its stdout and stderr kept
// by a tailWriter.
func startProcess(bin string, args, env []string) (*process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	p := &process{cmd: cmd, out: newTailWriter(40, readyLine), exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	// Output copying must not outlive the process by much, should a
	// grandchild hold the pipe open.
	cmd.WaitDelay = 5 * time.Second
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", filepath.Base(bin), err)
	}
	go func() {
		p.exitErr = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// pid is the process's ID.
func (p *process) pid() int { return p.cmd.Process.Pid }

// waitReady polls healthURL until it answers 200 and the process has
// printed its "ready in" banner, and returns how long after the exec
// that was. It gives up when the process exits or after timeout.
func (p *process) waitReady(ctx context.Context, healthURL string, timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithDeadline(ctx, p.started.Add(timeout))
	defer cancel()
	probe := &http.Client{Timeout: time.Second}
	healthy := false
	for {
		if !healthy {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, healthURL, nil)
			if err != nil {
				return 0, err
			}
			if resp, err := probe.Do(req); err == nil {
				_ = resp.Body.Close()
				healthy = resp.StatusCode == http.StatusOK
			}
		}
		if healthy && p.out.banner() != "" {
			p.ready = time.Since(p.started)
			return p.ready, nil
		}
		select {
		case <-p.exited:
			return 0, fmt.Errorf("exited before it was ready: %v", p.exitErr)
		case <-ctx.Done():
			what := "answer 200 on " + healthURL
			if healthy {
				what = "print its ready banner"
			}
			return 0, fmt.Errorf("did not %s within %s", what, timeout)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// reported is the startup time the process's banner reports, "?" when it
// printed none.
func (p *process) reported() string {
	if b := p.out.banner(); b != "" {
		return b
	}
	return "?"
}

// stop sends SIGINT and waits up to grace for the process to exit, then
// kills it. It returns how long the process took to stop.
func (p *process) stop(grace time.Duration) (time.Duration, error) {
	p.stopOnce.Do(func() {
		start := time.Now()
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.exited:
			p.stopTook = time.Since(start)
			var exit *exec.ExitError
			if p.exitErr != nil && !(errors.As(p.exitErr, &exit) && exit.ExitCode() == 0) {
				p.stopErr = p.exitErr
			}
		case <-time.After(grace):
			_ = p.cmd.Process.Kill()
			<-p.exited
			p.stopTook, p.stopErr = time.Since(start), fmt.Errorf("did not stop within %s of SIGINT; killed", grace)
		}
	})
	return p.stopTook, p.stopErr
}

// tailWriter keeps the last lines written to it, and the first match of
// a banner pattern's group.
type tailWriter struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial []byte
	pattern *regexp.Regexp
	matched string
}

func newTailWriter(maxLines int, banner *regexp.Regexp) *tailWriter {
	return &tailWriter{max: maxLines, pattern: banner}
}

func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial = append(t.partial, b...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			break
		}
		t.add(string(t.partial[:i]))
		t.partial = t.partial[i+1:]
	}
	if len(t.partial) > 64<<10 { // a line with no end: keep what fits
		t.add(string(t.partial))
		t.partial = t.partial[:0]
	}
	return len(b), nil
}

func (t *tailWriter) add(line string) {
	if t.matched == "" && t.pattern != nil {
		if m := t.pattern.FindStringSubmatch(line); m != nil {
			t.matched = m[len(m)-1]
		}
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = append(t.lines[:0], t.lines[len(t.lines)-t.max:]...)
	}
}

// banner is the banner pattern's match, "" before it shows.
func (t *tailWriter) banner() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.matched
}

// tail returns up to n of the last lines, the unfinished one included.
func (t *tailWriter) tail(n int) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.lines...)
	if len(t.partial) > 0 {
		out = append(out, string(t.partial))
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

// freePort returns a TCP port free on 127.0.0.1 just now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// freePortBlock returns a base port b such that b+1 ... b+n are free on
// 127.0.0.1 just now and none is in avoid.
func freePortBlock(n int, avoid ...int) (int, error) {
	for range 100 {
		first, err := freePort()
		if err != nil {
			return 0, err
		}
		base := first - 1
		if base+n > 65535 {
			continue
		}
		ok := true
		var held []net.Listener
		for port := base + 1; port <= base+n && ok; port++ {
			for _, a := range avoid {
				ok = ok && a != port
			}
			if !ok {
				break
			}
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
			if err != nil {
				ok = false
				break
			}
			held = append(held, l)
		}
		for _, l := range held {
			_ = l.Close()
		}
		if ok {
			return base, nil
		}
	}
	return 0, errors.New("no free block of ports found")
}

// cleanEnv is the environment without MERCATO_* variables, so the
// programs the load generator starts take their backends from their
// flags only, plus the given extra variables.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MERCATO_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}
