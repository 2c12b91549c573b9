package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// suiteOptions tune -suite.
type suiteOptions struct {
	// duration is each HTTP scenario's, benchtime each in-process
	// benchmark's.
	duration, benchtime time.Duration
	// shops are the keys of the shops to run (shopKinds), in order.
	shops []string
	// inProcess runs the in-process benchmarks too.
	inProcess bool
	// products is the storefront's catalog; searchProducts the bleve
	// benchmark's.
	products, searchProducts int
	// readyTimeout bounds a shop's start.
	readyTimeout time.Duration
	// postgres is a database URL on a server where the suite may create
	// databases; redis and nats the servers of the shops on real backends.
	postgres, redis, nats string
}

// shopKind is one of the shops the suite runs.
type shopKind struct {
	key, title string
	// pkg is the program to build.
	pkg string
	// database says the shop needs a fresh PostgreSQL database; redis
	// that it keeps Redis keys under the run's prefix, deleted afterwards.
	database, redis bool
	// args are the program's flags for a shop listening on addr, with
	// the backends in b.
	args func(o suiteOptions, addr string, b shopBackends) ([]string, error)
}

// shopBackends are the data a shop on real backends starts with.
type shopBackends struct {
	// dsn is the fresh database's URL; prefix is unique to the run, for
	// Redis keys and bus topics.
	dsn, prefix string
}

// shopKinds are the shops the suite knows, in the order it runs them.
func shopKinds() []shopKind {
	return []shopKind{
		{key: "embedded", title: "embedded", pkg: storefrontPkg,
			args: func(o suiteOptions, addr string, _ shopBackends) ([]string, error) {
				return []string{"-addr", addr, "-products", strconv.Itoa(o.products)}, nil
			}},
		{key: "postgres", title: titleOneProcess, pkg: storefrontPkg, database: true, redis: true,
			args: func(o suiteOptions, addr string, b shopBackends) ([]string, error) {
				return []string{
					"-addr", addr, "-products", strconv.Itoa(o.products),
					"-postgres", b.dsn, "-redis", o.redis, "-redis-prefix", b.prefix + ":",
				}, nil
			}},
		{key: "services", title: titleServices, pkg: microservicesPkg, database: true, redis: true,
			args: func(o suiteOptions, addr string, b shopBackends) ([]string, error) {
				_, port, _ := net.SplitHostPort(addr)
				gw, _ := strconv.Atoi(port)
				base, err := freePortBlock(7, gw)
				if err != nil {
					return nil, err
				}
				return []string{
					"-gateway-addr", addr, "-port-base", strconv.Itoa(base),
					"-postgres", b.dsn, "-redis", o.redis, "-redis-prefix", b.prefix + ":",
					"-nats", o.nats, "-topic-prefix", b.prefix + "_",
					// The load comes from one address: the per-client limit
					// would measure the limiter.
					"-client-rate", "1000000",
				}, nil
			}},
	}
}

// suiteScenario is one scenario of the suite with its clients.
type suiteScenario struct {
	name    string
	clients int
}

// suiteScenarios are run against every shop, in order.
var suiteScenarios = []suiteScenario{
	{"search (api)", 1}, {"add to cart", 1}, {"add to cart", 16}, {"checkout (whole)", 1}, {"checkout (whole)", 16},
}

// shopRun is what the suite measured of one shop.
type shopRun struct {
	title string
	// startup is how long after the exec the shop was ready; reported
	// the startup time its banner printed.
	startup  time.Duration
	reported string
	// busy is how long after ready the shop's processes kept working on
	// their start (quiet false: still busy at the limit); idle is the
	// share of a core they use once quiet, before the load.
	busy    time.Duration
	quiet   bool
	idle    float64
	idleErr error
	// memory is the shop's process tree's after the load.
	memory    treeMemory
	memoryErr error
	results   []scenarioRun
	// err is why the shop's run stopped early; tail the shop's last
	// output then, if started says it ran.
	err     error
	tail    []string
	started bool
}

// scenarioRun is one scenario's result against one shop.
type scenarioRun struct {
	suiteScenario
	res result
}

// runSuite runs every shop of o.shops, then the in-process benchmarks,
// printing progress to progress and the tables to out.
func runSuite(ctx context.Context, o suiteOptions, out, progress io.Writer) error {
	machine := describeMachine()
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "mercato-loadgen-suite")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	kinds := map[string]shopKind{}
	for _, k := range shopKinds() {
		kinds[k.key] = k
	}
	for _, key := range o.shops {
		if _, ok := kinds[key]; !ok {
			return fmt.Errorf("-shops: unknown shop %q (want embedded, postgres or services)", key)
		}
	}
	bins := map[string]string{}
	var runs []shopRun
	for _, key := range o.shops {
		kind := kinds[key]
		if _, tried := bins[kind.pkg]; !tried {
			fmt.Fprintf(progress, "building %s\n", kind.pkg)
			bin, err := buildBinary(ctx, kind.pkg, dir)
			if err != nil {
				fmt.Fprintf(progress, "%v\n", err)
			}
			bins[kind.pkg] = bin
		}
		if bins[kind.pkg] == "" {
			runs = append(runs, shopRun{title: kind.title, err: fmt.Errorf("%s did not build", kind.pkg)})
			continue
		}
		run := runShop(ctx, o, kind, bins[kind.pkg], progress)
		if run.err != nil {
			fmt.Fprintf(progress, "%s: %v\n", kind.title, run.err)
			if len(run.tail) > 0 {
				fmt.Fprintf(progress, "its last output:\n  %s\n", strings.Join(run.tail, "\n  "))
			} else if run.started {
				fmt.Fprintln(progress, "it printed nothing")
			}
		}
		runs = append(runs, run)
	}
	var benches []goBenchResult
	if o.inProcess {
		for _, b := range standardBenchmarks(o.searchProducts) {
			fmt.Fprintf(progress, "go test %s -bench '%s'\n", b.pkg, b.pattern)
			res := runGoBenchmark(ctx, root, b, o.benchtime, 10*time.Minute)
			if res.err != nil {
				fmt.Fprintf(progress, "  %v\n  %s\n", res.err, strings.Join(res.tail, "\n  "))
			}
			benches = append(benches, res)
		}
	}
	fmt.Fprintln(out)
	renderSuite(out, machine, o, runs, benches)
	return nil
}

// runShop starts the shop of kind from bin on backends of its own, runs
// the scenarios against it and stops it. Every wait has a deadline.
func runShop(ctx context.Context, o suiteOptions, kind shopKind, bin string, progress io.Writer) (run shopRun) {
	run.title = kind.title
	suffix := randomHex(4)
	b := shopBackends{prefix: "mercato_bench_" + suffix}
	cleanupCtx := context.WithoutCancel(ctx)
	if kind.database {
		name := "mercato_bench_" + suffix
		var err error
		c, cancel := context.WithTimeout(ctx, time.Minute)
		b.dsn, err = createDatabase(c, o.postgres, name)
		cancel()
		if err != nil {
			run.err = err
			return run
		}
		defer func() {
			c, cancel := context.WithTimeout(cleanupCtx, time.Minute)
			defer cancel()
			if err := dropDatabase(c, o.postgres, name); err != nil {
				fmt.Fprintf(progress, "%s: %v\n", kind.title, err)
			}
		}()
	}
	if kind.redis {
		defer func() {
			c, cancel := context.WithTimeout(cleanupCtx, time.Minute)
			defer cancel()
			if err := deleteRedisKeys(c, o.redis, b.prefix+":"); err != nil {
				fmt.Fprintf(progress, "%s: %v\n", kind.title, err)
			}
		}()
	}
	if kind.pkg == microservicesPkg {
		defer func() {
			c, cancel := context.WithTimeout(cleanupCtx, time.Minute)
			defer cancel()
			if err := deleteStreams(c, o.nats, b.prefix+"_"); err != nil {
				fmt.Fprintf(progress, "%s: %v\n", kind.title, err)
			}
		}()
	}
	port, err := freePort()
	if err != nil {
		run.err = err
		return run
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	args, err := kind.args(o, addr, b)
	if err != nil {
		run.err = err
		return run
	}
	adminKey := randomHex(16)
	fmt.Fprintf(progress, "%s: starting %s\n", kind.title, filepath.Base(bin))
	p, err := startProcess(bin, args, cleanEnv("MERCATO_ADMIN_KEY="+adminKey))
	if err != nil {
		run.err = err
		return run
	}
	run.started = true
	defer func() {
		took, err := p.stop(stopGrace)
		fmt.Fprintf(progress, "%s: stopped in %s\n", kind.title, took.Round(time.Millisecond))
		if err != nil && run.err == nil {
			run.err = fmt.Errorf("stop: %w", err)
			run.tail = p.out.tail(20)
		}
	}()
	base := "http://" + addr
	if run.startup, err = p.waitReady(ctx, base+"/healthz", o.readyTimeout); err != nil {
		run.err, run.tail = fmt.Errorf("not ready: %w", err), p.out.tail(20)
		if m, err := processTreeMemory(p.pid()); err == nil {
			fmt.Fprintf(progress, "%s: memory when given up: %s\n", kind.title, m)
		}
		return run
	}
	run.reported = p.reported()
	fmt.Fprintf(progress, "%s: ready in %s (reports %s)\n", kind.title, run.startup.Round(time.Millisecond), run.reported)
	if run.busy, run.quiet, run.idle, run.idleErr = settle(ctx, p.pid()); run.idleErr != nil {
		fmt.Fprintf(progress, "%s: CPU not measured: %v\n", kind.title, run.idleErr)
	} else {
		fmt.Fprintf(progress, "%s: busy for %s after ready, then idle at %s of a core\n", kind.title, run.busy.Round(time.Second/10), fmtShare(run.idle))
	}

	c := newClient(base, adminKey, 16)
	skus, words, err := c.prepareWithin(ctx, time.Minute)
	if err != nil {
		run.err, run.tail = err, p.out.tail(20)
		return run
	}
	byName := map[string]scenario{}
	for _, s := range append(scenarios(c, "api", skus, words), wholeCheckout(c, skus)) {
		byName[s.name] = s
	}
	for _, sc := range suiteScenarios {
		res := measure(ctx, sc.clients, o.duration, byName[sc.name])
		col := res.columns()
		fmt.Fprintf(progress, "%s: %s ×%d: %s requests, %s errors, %s req/s, p50 %s, p90 %s, p99 %s, max %s\n",
			kind.title, sc.name, sc.clients, col[1], col[2], col[3], col[4], col[5], col[6], col[7])
		if res.firstErr != nil {
			fmt.Fprintf(progress, "  first error: %v\n", res.firstErr)
		}
		run.results = append(run.results, scenarioRun{sc, res})
	}
	if run.memory, err = processTreeMemory(p.pid()); err != nil {
		run.memoryErr = err
	}
	fmt.Fprintf(progress, "%s: memory after load: %s\n", kind.title, run.memory)
	return run
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run the suite inside the mercato module")
	}
	return filepath.Dir(gomod), nil
}
