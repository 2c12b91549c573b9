package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Supervisor timings.
const (
	// readyTimeout bounds the wait for every instance's /healthz at
	// start: migrations, the bus's streams and the search index first.
	readyTimeout = 2 * time.Minute
	// stopTimeout is how long the children get to drain after SIGTERM
	// before they are killed.
	stopTimeout = 40 * time.Second
	// restartDelay and maxRestartDelay bound the backoff between restarts
	// of an instance that exited on its own.
	restartDelay    = 500 * time.Millisecond
	maxRestartDelay = 30 * time.Second
)

// instance is one child process: a service on one address.
type instance struct {
	Service string
	Index   int
	Addr    string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
}

// Name is the service with its instance number when there are several:
// "cart", "cart#2".
func (in *instance) Name() string {
	if in.Index == 0 {
		return in.Service
	}
	return in.Service + "#" + strconv.Itoa(in.Index+1)
}

// Pid is the current process of the instance, 0 when none runs.
func (in *instance) Pid() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd == nil || in.cmd.Process == nil {
		return 0
	}
	return in.cmd.Process.Pid
}

// supervisor starts every instance as a process of its own (the same
// binary with -service), restarts one that dies, and stops them all.
type supervisor struct {
	cfg Config
	log *slog.Logger
	// exe and env start a child: os.Executable and the environment with
	// the shared secrets (tests add a variable that makes the test binary
	// act as the program).
	exe    string
	env    []string
	output io.Writer

	instances []*instance
	wg        sync.WaitGroup
}

// newSupervisor plans the instances of cfg.
func newSupervisor(cfg Config, exe string, extraEnv []string, output io.Writer, log *slog.Logger) *supervisor {
	s := &supervisor{cfg: cfg, log: log, exe: exe, output: output}
	s.env = append(append(os.Environ(), cfg.childEnv()...), extraEnv...)
	// Services first, the gateways last.
	for _, name := range append(append([]string(nil), backendServices...), svcGateway) {
		for i, addr := range cfg.instanceAddrs(name) {
			s.instances = append(s.instances, &instance{Service: name, Index: i, Addr: addr})
		}
	}
	return s
}

// run starts every instance, waits until each answers /healthz, calls
// ready, and keeps them running (restarting those that exit) until ctx
// ends; then it stops them all: SIGTERM to each child's process group,
// up to stopTimeout to exit, SIGKILL after.
func (s *supervisor) run(ctx context.Context, ready func()) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	// The services first, the gateways once the services answer: the
	// door opens on rooms that are ready.
	for _, gateways := range []bool{false, true} {
		var group []*instance
		for _, in := range s.instances {
			if (in.Service == svcGateway) == gateways {
				group = append(group, in)
			}
		}
		for _, in := range group {
			if err := s.start(in); err != nil {
				cancel()
				s.stopAll()
				return fmt.Errorf("start %s: %w", in.Name(), err)
			}
			s.wg.Go(func() { s.keep(runCtx, in) })
		}
		if err := s.waitReady(runCtx, group); err != nil {
			cancel()
			s.stopAll()
			return err
		}
	}
	if ready != nil {
		ready()
	}
	<-ctx.Done()
	cancel()
	s.stopAll()
	return nil
}

// start starts the process of in.
func (s *supervisor) start(in *instance) error {
	cmd := exec.Command(s.exe, s.cfg.childArgs(in.Service, in.Addr)...)
	cmd.Env = s.env
	// A group of its own: the terminal's Ctrl+C reaches the supervisor
	// only, which stops the children in order, and a signal to the group
	// reaches whatever a child started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
	out := &prefixWriter{w: s.output, prefix: fmt.Sprintf("%-14s| ", in.Name())}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	in.mu.Lock()
	in.cmd, in.done = cmd, done
	in.mu.Unlock()
	go func() {
		_ = cmd.Wait()
		out.flush()
		close(done)
	}()
	return nil
}

// keep restarts in whenever its process exits, with a growing delay,
// until ctx ends.
func (s *supervisor) keep(ctx context.Context, in *instance) {
	delay := restartDelay
	for {
		in.mu.Lock()
		cmd, done := in.cmd, in.done
		in.mu.Unlock()
		started := time.Now()
		select {
		case <-ctx.Done():
			return
		case <-done:
		}
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("instance exited; restarting", "instance", in.Name(), "addr", in.Addr, "state", cmd.ProcessState.String(), "after", delay)
		if time.Since(started) > maxRestartDelay {
			delay = restartDelay // it had run a while: a new failure
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, maxRestartDelay)
		if err := s.start(in); err != nil {
			s.log.Error("restart failed", "instance", in.Name(), "error", err)
		}
	}
}

// waitReady polls every instance's /healthz until it answers 200.
func (s *supervisor) waitReady(ctx context.Context, instances []*instance) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	for _, in := range instances {
		url := "http://" + dialable(in.Addr) + "/healthz"
		for !healthy(ctx, client, url) {
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s at %s not ready after %s", in.Name(), in.Addr, readyTimeout)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	return nil
}

// healthy reports whether url answers 200.
func healthy(ctx context.Context, client *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// stopAll stops the gateways first (no new requests), then the services,
// each with SIGTERM to its process group, and SIGKILL to those still
// running after stopTimeout.
func (s *supervisor) stopAll() {
	stop := func(keep func(*instance) bool) {
		var group []*instance
		for _, in := range s.instances {
			if keep(in) {
				group = append(group, in)
			}
		}
		for _, in := range group {
			in.signal(syscall.SIGTERM)
		}
		deadline := time.After(stopTimeout)
		for _, in := range group {
			select {
			case <-in.exited():
			case <-deadline:
				in.signal(syscall.SIGKILL)
				<-in.exited()
			}
		}
	}
	stop(func(in *instance) bool { return in.Service == svcGateway })
	stop(func(in *instance) bool { return in.Service != svcGateway })
	s.wg.Wait()
}

// signal sends sig to the process group of in's current process.
func (in *instance) signal(sig syscall.Signal) {
	if pid := in.Pid(); pid > 0 {
		_ = syscall.Kill(-pid, sig)
	}
}

// exited is closed once in's current process has exited (at once when
// none was started).
func (in *instance) exited() <-chan struct{} {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.done == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return in.done
}

// printTopology tells the user where everything is.
func printTopology(w io.Writer, s *supervisor, took time.Duration) {
	fmt.Fprintf(w, "Mercato microservices ready in %s\n\n", took.Round(time.Millisecond))
	for _, in := range s.instances {
		if in.Service == svcGateway {
			fmt.Fprintf(w, "  %-14s http://%s/api/   (pid %d)\n", in.Name(), dialable(in.Addr), in.Pid())
		}
	}
	for _, in := range s.instances {
		if in.Service != svcGateway {
			fmt.Fprintf(w, "  %-14s http://%s   (pid %d)\n", in.Name(), in.Addr, in.Pid())
		}
	}
	fmt.Fprintf(w, "\n  bus %s; PostgreSQL schemas %s<service>; Redis %s\n", s.cfg.busDescription(), s.cfg.SchemaPrefix, s.cfg.Redis)
	fmt.Fprintf(w, "  admin key %s (the admin API takes it as \"Authorization: Bearer <key>\")\n", s.cfg.AdminKey)
	fmt.Fprintf(w, "\nPress Ctrl+C to stop.\n")
}

// busDescription names the bus and its servers.
func (cfg Config) busDescription() string {
	if cfg.Bus == "kafka" {
		return fmt.Sprintf("Kafka at %v", cfg.Kafka)
	}
	return "NATS JetStream at " + redactURL(cfg.NATS)
}

// prefixWriter writes each line of a child's output with the instance's
// name in front, whole lines at a time so children do not interleave.
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		if _, err := fmt.Fprintf(p.w, "%s%s", p.prefix, p.buf[:i+1]); err != nil {
			return len(b), nil // the child keeps running if our output is gone
		}
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

// flush writes a last line without its newline.
func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf)
		p.buf = nil
	}
}
