package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// goBenchmark is a Go benchmark of the repository the suite runs in
// process, for the figures without HTTP in front.
type goBenchmark struct {
	// label says what is measured.
	label string
	// pkg is the package (relative to the module root) and pattern the
	// -bench expression.
	pkg, pattern string
	// env is added to the environment of go test.
	env []string
}

// standardBenchmarks are the in-process counterparts of the HTTP
// scenarios: add to cart, checkout and search on the embedded stores and
// on the real ones, and the gateway's hop.
func standardBenchmarks(searchProducts int) []goBenchmark {
	return []goBenchmark{
		{label: "add to cart, memory store", pkg: "./adapters/memory", pattern: "^BenchmarkAddItem$"},
		{label: "add to cart, Redis store", pkg: "./adapters/redis", pattern: "^BenchmarkAddItem$/^outbox-relay$"},
		{label: "checkout, memory stores", pkg: "./adapters/memory", pattern: "^BenchmarkCheckout$"},
		{label: "checkout, PostgreSQL + Redis", pkg: "./adapters/postgres", pattern: "^BenchmarkCheckout$"},
		{
			label: "search, bleve index on disk", pkg: "./adapters/bleve",
			pattern: `^BenchmarkSearch$/^shards=2$/^text\+4filters\+facets$`,
			env:     []string{"MERCATO_BENCH_PRODUCTS=" + strconv.Itoa(searchProducts)},
		},
		{label: "gateway hop, GET of a small answer", pkg: "./gateway", pattern: "^BenchmarkProxyOverhead$"},
	}
}

// benchLine is one result line of go test -bench.
type benchLine struct {
	// name is the benchmark's name without the Benchmark prefix and the
	// GOMAXPROCS suffix: "Checkout/buyers=16".
	name string
	// n is the iterations.
	n int64
	// metrics maps each unit to its value: "ns/op", "p99-ms", "ops/s"...
	metrics map[string]float64
}

// benchProcsSuffix is the "-GOMAXPROCS" go test appends to names.
var benchProcsSuffix = regexp.MustCompile(`-[0-9]+$`)

// parseBenchOutput reads the result lines of go test -bench output:
// "BenchmarkX/sub-2  1234  5678 ns/op  9.1 ops/s ...". When the
// benchmark writes output while it runs, go test prints its name, then
// that output, then the figures on a line of their own: those count for
// the name last seen. Other lines are ignored.
func parseBenchOutput(r io.Reader) []benchLine {
	var out []benchLine
	pending := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if strings.HasPrefix(fields[0], "Benchmark") {
			pending = benchProcsSuffix.ReplaceAllString(strings.TrimPrefix(fields[0], "Benchmark"), "")
			fields = fields[1:]
		}
		if pending == "" {
			continue
		}
		if n, metrics, ok := parseBenchFigures(fields); ok {
			out = append(out, benchLine{name: pending, n: n, metrics: metrics})
			pending = ""
		}
	}
	return out
}

// parseBenchFigures reads "1234  5678 ns/op  9.1 ops/s ...": the
// iterations, then value and unit pairs.
func parseBenchFigures(fields []string) (int64, map[string]float64, bool) {
	if len(fields) < 3 || len(fields)%2 != 1 {
		return 0, nil, false
	}
	n, err := strconv.ParseInt(fields[0], 10, 64)
	if err != nil {
		return 0, nil, false
	}
	metrics := map[string]float64{}
	for i := 1; i+1 < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return 0, nil, false
		}
		metrics[fields[i+1]] = v
	}
	return n, metrics, true
}

// throughput is the line's rate metric (the unit ending in "/s"), or
// the rate ns/op implies; the unit says which.
func (l benchLine) throughput() (float64, string) {
	for _, unit := range slices.Sorted(maps.Keys(l.metrics)) {
		if strings.HasSuffix(unit, "/s") {
			return l.metrics[unit], unit
		}
	}
	if ns := l.metrics["ns/op"]; ns > 0 {
		return 1e9 / ns, "ops/s"
	}
	return 0, ""
}

// goBenchResult is what running one goBenchmark gave.
type goBenchResult struct {
	bench goBenchmark
	lines []benchLine
	took  time.Duration
	// err, when set, says why there are no (or fewer) lines; tail is the
	// end of go test's output then.
	err  error
	tail []string
}

// runGoBenchmark runs b with go test from the module root dir, each
// benchmark for benchtime, and gives up after timeout. The services the
// benchmark needs must answer: a benchmark skipped is a failure here.
func runGoBenchmark(ctx context.Context, dir string, b goBenchmark, benchtime, timeout time.Duration) goBenchResult {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", b.pattern, "-benchtime", benchtime.String(),
		"-timeout", timeout.String(), b.pkg)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "MERCATO_REQUIRE_SERVICES=1"), b.env...)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	res := goBenchResult{bench: b, lines: parseBenchOutput(bytes.NewReader(out.Bytes())), took: time.Since(start)}
	switch {
	case err != nil:
		res.err = fmt.Errorf("go test %s -bench %s: %w", b.pkg, b.pattern, err)
	case len(res.lines) == 0:
		res.err = fmt.Errorf("go test %s -bench %s printed no results", b.pkg, b.pattern)
	}
	if res.err != nil {
		lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
		res.tail = lines[max(0, len(lines)-15):]
	}
	return res
}
