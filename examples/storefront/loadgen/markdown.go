package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
)

// renderMarkdown writes results as a markdown table, headed by the
// machine they were measured on and how.
func renderMarkdown(w io.Writer, machine, how string, results []result) {
	fmt.Fprintf(w, "Machine: %s. Load: %s.\n\n", machine, how)
	fmt.Fprintln(w, "| scenario | requests | errors | req/s | p50 | p90 | p99 | max |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range results {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r.columns(), " | "))
	}
}

// describeMachine names the CPU model, the cores Go may use and the Go
// version.
func describeMachine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		defer f.Close()
		if m := cpuModel(f); m != "" {
			model = m
		}
	}
	return fmt.Sprintf("%s, %d cores, %s %s/%s", model, runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
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
