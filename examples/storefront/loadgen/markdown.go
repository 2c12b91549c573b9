package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// renderMarkdown writes results as a markdown table, headed by the
// machine they were measured on and how.
func renderMarkdown(w io.Writer, machine, how string, results []result) {
	fmt.Fprintf(w, "Machine: %s. Workload: %s.\n\n", machine, how)
	fmt.Fprintln(w, "| scenario | requests | errors | req/s | p50 | p90 | p99 | max |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r.columns(), " | "))
	}
}

// describeMachine names the CPU model, the cores Go may use, the
// memory, the Go version and the load average now.
func describeMachine() string {
	read := func(path string, parse func(io.Reader) string) string {
		f, err := os.Open(path)
		if err != nil {
			return ""
		}
		defer f.Close()
		return parse(f)
	}
	model := read("/proc/cpuinfo", cpuModel)
	if model == "" {
		model = "unknown CPU"
	}
	s := fmt.Sprintf("%s, %d cores", model, runtime.NumCPU())
	if mem := read("/proc/meminfo", memTotal); mem != "" {
		s += ", " + mem + " memory"
	}
	s += fmt.Sprintf(", %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if load := read("/proc/loadavg", loadAverage); load != "" {
		s += ", load average " + load + " at start"
	}
	return s
}

// memTotal returns the MemTotal of a /proc/meminfo in GB, or "".
func memTotal(meminfo io.Reader) string {
	sc := bufio.NewScanner(meminfo)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return ""
			}
			return fmt.Sprintf("%.1f GB", kb/(1<<20))
		}
	}
	return ""
}

// loadAverage returns the 1, 5 and 15 minute load averages of a
// /proc/loadavg, or "".
func loadAverage(loadavg io.Reader) string {
	raw, err := io.ReadAll(loadavg)
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(raw))
	if len(fields) < 3 {
		return ""
	}
	return strings.Join(fields[:3], " ")
}

// cpuModel returns the first "model name" of a /proc/cpuinfo, or "".
func cpuModel(cpuinfo io.Reader) string {
	sc := bufio.NewScanner(cpuinfo)
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// renderSuite writes the suite's tables: the shops' startup and memory,
// each scenario against each shop, the hops' cost when both the shop in
// one process and the services apart ran, and the in-process
// benchmarks.
func renderSuite(w io.Writer, machine string, o suiteOptions, runs []shopRun, benches []goBenchResult) {
	fmt.Fprintf(w, "Machine: %s.\n", machine)
	if len(runs) > 0 {
		fmt.Fprintln(w)
		renderShops(w, o, runs)
	}

	if len(benches) == 0 {
		return
	}
	fmt.Fprintf(w, "\nIn process (go test -bench, -benchtime %s), no HTTP:\n\n", o.benchtime)
	fmt.Fprintln(w, "| benchmark | variant | throughput | p50 | p99 | ns/op | also |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---|")
	for _, b := range benches {
		for _, l := range b.lines {
			rate, unit := l.throughput()
			variant := l.name
			if _, rest, ok := strings.Cut(l.name, "/"); ok {
				variant = rest
			}
			fmt.Fprintf(w, "| %s | %s | %.0f %s | %s | %s | %s | %s |\n", b.bench.label, variant, rate, unit,
				msCell(l.metrics, "p50-ms"), msCell(l.metrics, "p99-ms"), nsCell(l.metrics["ns/op"]), otherMetrics(l.metrics, unit))
		}
		if b.err != nil {
			fmt.Fprintf(w, "| %s | failed: %s | | | | | |\n", b.bench.label, cell(b.err))
		}
	}
}

// renderShops writes the startup and memory of the shops, each scenario
// against each, and the hops' cost.
func renderShops(w io.Writer, o suiteOptions, runs []shopRun) {
	fmt.Fprintln(w, "| shop | ready after | its banner says | busy after ready | idle CPU | memory after load | processes |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range runs {
		if r.startup == 0 {
			fmt.Fprintf(w, "| %s | failed: %s | | | | | |\n", r.title, cell(r.err))
			continue
		}
		busy, idle := "0s", fmtShare(r.idle)
		if r.busy >= 100*time.Millisecond {
			busy = fmtDur(r.busy)
		}
		switch {
		case r.idleErr != nil:
			busy, idle = "-", "-"
		case !r.quiet:
			busy = "over " + busy
		}
		mem, procs := formatBytes(r.memory.RSS)+" (peak "+formatBytes(r.memory.Peak)+")", strconv.Itoa(r.memory.Processes)
		if r.memoryErr != nil || r.memory.Processes == 0 {
			mem, procs = "-", "-"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", r.title, fmtDur(r.startup), r.reported, busy, idle, mem, procs)
	}

	fmt.Fprintf(w, "\nOver loopback HTTP, %s per scenario; each client one connection, one request at a time; the load generator runs on the same machine.\n\n", o.duration)
	fmt.Fprintln(w, "| shop | scenario | clients | req/s | p50 | p99 | errors |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|")
	for _, r := range runs {
		for _, s := range r.results {
			c := s.res.columns()
			fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s |\n", r.title, s.name, s.clients, c[3], c[4], c[6], c[2])
		}
		if r.err != nil && r.startup != 0 {
			fmt.Fprintf(w, "| %s | failed: %s | | | | | |\n", r.title, cell(r.err))
		}
	}
	renderHops(w, runs)
}

// Titles of the shops renderHops compares.
const (
	titleOneProcess = "PostgreSQL + Redis"
	titleServices   = "services apart"
)

// renderHops compares add to cart and checkout in the shop in one process
// on PostgreSQL and Redis with the same through the gateway and the
// services: what the hops cost.
func renderHops(w io.Writer, runs []shopRun) {
	var one, apart *shopRun
	for i := range runs {
		switch runs[i].title {
		case titleOneProcess:
			one = &runs[i]
		case titleServices:
			apart = &runs[i]
		}
	}
	if one == nil || apart == nil {
		return
	}
	find := func(r *shopRun, s suiteScenario) (result, bool) {
		for _, x := range r.results {
			if x.suiteScenario == s {
				return x.res, len(x.res.latencies) > 0
			}
		}
		return result{}, false
	}
	header := false
	for _, s := range suiteScenarios {
		if !strings.HasPrefix(s.name, "add to cart") && !strings.HasPrefix(s.name, "checkout") {
			continue
		}
		a, okA := find(one, s)
		b, okB := find(apart, s)
		if !okA || !okB {
			continue
		}
		if !header {
			fmt.Fprintf(w, "\nThe cost of the hops: the same requests to the shop in one process (%s) and through the gateway to the services apart (also PostgreSQL and Redis, events over NATS).\n\n", titleOneProcess)
			fmt.Fprintln(w, "| scenario | clients | one process req/s | p50 | p99 | services apart req/s | p50 | p99 | p50 added |")
			fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
			header = true
		}
		ca, cb := a.columns(), b.columns()
		added := fmtDur(b.quantile(0.5) - a.quantile(0.5))
		if b.quantile(0.5) < a.quantile(0.5) {
			added = "-" + fmtDur(a.quantile(0.5)-b.quantile(0.5))
		}
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", s.name, s.clients, ca[3], ca[4], ca[6], cb[3], cb[4], cb[6], added)
	}
}

// cell is an error's text fit for a table cell: one line, no pipes,
// at most 160 characters.
func cell(err error) string {
	if err == nil {
		return ""
	}
	s := strings.Join(strings.Fields(err.Error()), " ")
	s = strings.ReplaceAll(s, "|", "/")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// msCell formats a metric in milliseconds as a duration, "-" if absent.
func msCell(metrics map[string]float64, unit string) string {
	v, ok := metrics[unit]
	if !ok {
		return "-"
	}
	return fmtDur(time.Duration(v * float64(time.Millisecond)))
}

// nsCell formats ns/op as a duration, "-" if absent.
func nsCell(ns float64) string {
	if ns <= 0 {
		return "-"
	}
	return fmtDur(time.Duration(ns))
}

// otherMetrics lists the metrics the other columns leave out.
func otherMetrics(metrics map[string]float64, shown string) string {
	var out []string
	for _, unit := range slices.Sorted(maps.Keys(metrics)) {
		switch unit {
		case shown, "ns/op", "p50-ms", "p99-ms", "max-ms":
			continue
		}
		v := metrics[unit]
		switch {
		case strings.HasSuffix(unit, "-bytes"):
			out = append(out, strings.TrimSuffix(unit, "-bytes")+" "+formatBytes(int64(v)))
		case v == math.Trunc(v):
			out = append(out, fmt.Sprintf("%.0f %s", v, unit))
		default:
			out = append(out, fmt.Sprintf("%.3g %s", v, unit))
		}
	}
	return strings.Join(out, ", ")
}

// fmtShare writes a share of one core as a percentage.
func fmtShare(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }
