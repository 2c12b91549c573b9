package main

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const benchOutput = `goos: linux
goarch: amd64
pkg: github.com/mercatohq/mercato/adapters/postgres
cpu: AMD EPYC
BenchmarkCheckout/buyers=1-2         	     218	   5432100 ns/op	       184.1 checkouts/s	         4.900 p50-ms	        12.30 p99-ms	        20.10 max-ms	        14.00 roundtrips/op
BenchmarkCheckout/buyers=16-2        	     900	   1234567 ns/op	       810.0 checkouts/s	        18.00 p50-ms	        45.00 p99-ms	        60.00 max-ms	        14.00 roundtrips/op
BenchmarkProxyOverhead/gateway      	   10000	    120000 ns/op	    4096 B/op	      52 allocs/op
BenchmarkAddItem/outbox-relay/goroutines=16-2        	redis: 2026/12/06 01:34:02 pool.go:1458: Unexpected conn[21] state changed by hook to CLOSED, closing it
redis: 2026/12/06 01:34:05 pool.go:1458: Unexpected conn[58] state changed by hook to CLOSED, closing it
    7279	    483496 ns/op	        92.78 max-ms	      2068 ops/s	         5.332 p50-ms	        34.69 p99-ms
BenchmarkBroken-2  not a result line
--- FAIL: BenchmarkOther
PASS
ok  	github.com/mercatohq/mercato/adapters/postgres	12.345s
`

func TestParseBenchOutput(t *testing.T) {
	lines := parseBenchOutput(strings.NewReader(benchOutput))
	require.Len(t, lines, 4)
	assert.Equal(t, "Checkout/buyers=1", lines[0].name)
	assert.Equal(t, int64(218), lines[0].n)
	assert.Equal(t, map[string]float64{"ns/op": 5432100, "checkouts/s": 184.1, "p50-ms": 4.9, "p99-ms": 12.3, "max-ms": 20.1, "roundtrips/op": 14}, lines[0].metrics)
	assert.Equal(t, "Checkout/buyers=16", lines[1].name, "the GOMAXPROCS suffix goes, the buyers stay")
	assert.Equal(t, "ProxyOverhead/gateway", lines[2].name, "no suffix when GOMAXPROCS is 1")
	assert.Equal(t, "AddItem/outbox-relay/goroutines=16", lines[3].name, "figures after the benchmark's own output")
	assert.Equal(t, int64(7279), lines[3].n)
	assert.Equal(t, 2068.0, lines[3].metrics["ops/s"])

	rate, unit := lines[1].throughput()
	assert.Equal(t, 810.0, rate)
	assert.Equal(t, "checkouts/s", unit)
	rate, unit = lines[2].throughput()
	assert.InDelta(t, 8333.3, rate, 0.1, "from ns/op when no rate is reported")
	assert.Equal(t, "ops/s", unit)
}

func TestStandardBenchmarksExist(t *testing.T) {
	root, err := moduleRoot(t.Context())
	require.NoError(t, err)
	for _, b := range standardBenchmarks(1000) {
		name := strings.TrimPrefix(strings.Split(b.pattern, "/")[0], "^")
		name = strings.TrimSuffix(name, "$")
		files, err := os.ReadDir(root + "/" + b.pkg)
		require.NoError(t, err, b.label)
		found := false
		for _, f := range files {
			if !strings.HasSuffix(f.Name(), "_test.go") {
				continue
			}
			raw, err := os.ReadFile(root + "/" + b.pkg + "/" + f.Name())
			require.NoError(t, err)
			found = found || regexp.MustCompile(`func `+name+`\(`).Match(raw)
		}
		assert.True(t, found, "%s: no func %s in %s", b.label, name, b.pkg)
	}
}

func TestParentFromStat(t *testing.T) {
	ppid, ok := parentFromStat("4242 (my (odd) prog) S 17 4242 4242 0 -1 4194560")
	assert.True(t, ok)
	assert.Equal(t, 17, ppid)
	_, ok = parentFromStat("garbage")
	assert.False(t, ok)
}

func TestDescendants(t *testing.T) {
	parents := map[int]int{1: 0, 10: 1, 11: 10, 12: 10, 13: 11, 20: 1}
	assert.ElementsMatch(t, []int{10, 11, 12, 13}, descendants(10, parents))
	assert.Equal(t, 10, descendants(10, parents)[0], "the root first")
}

func TestStatusMemory(t *testing.T) {
	rss, peak := statusMemory(strings.NewReader("Name:\tshop\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\nThreads:\t7\n"))
	assert.Equal(t, int64(1024<<10), rss)
	assert.Equal(t, int64(2048<<10), peak)
}

func TestProcessTreeMemoryOfThisProcess(t *testing.T) {
	m, err := processTreeMemory(os.Getpid())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, m.Processes, 1)
	assert.Positive(t, m.RSS)
	assert.GreaterOrEqual(t, m.Peak, m.RSS)
}

func TestTailWriter(t *testing.T) {
	w := newTailWriter(3, readyLine)
	_, _ = w.Write([]byte("one\ntwo\nMercato demo shop ready in 1.5s: 300 products\nfour"))
	_, _ = w.Write([]byte("\nfive\nMercato microservices ready in 9s\nsix"))
	assert.Equal(t, "1.5s", w.banner(), "the first banner")
	assert.Equal(t, []string{"five", "Mercato microservices ready in 9s", "six"}, w.tail(3))
	assert.Equal(t, []string{"six"}, w.tail(1))
}

func TestRenderSuite(t *testing.T) {
	lat := func(ms ...int) []time.Duration {
		var out []time.Duration
		for _, m := range ms {
			out = append(out, time.Duration(m)*time.Millisecond)
		}
		return out
	}
	runs := []shopRun{
		{title: "embedded", startup: 700 * time.Millisecond, reported: "650ms", quiet: true, idle: 0.002,
			memory:  treeMemory{RSS: 100 << 20, Peak: 120 << 20, Processes: 1},
			results: []scenarioRun{{suiteScenario{"add to cart", 1}, result{name: "add to cart", latencies: lat(1, 2, 3, 4), elapsed: time.Second}}}},
		{title: titleOneProcess, startup: 2 * time.Second, reported: "1.9s", busy: 15200 * time.Millisecond, quiet: true, idle: 0.004, memory: treeMemory{RSS: 200 << 20, Peak: 200 << 20, Processes: 1},
			results: []scenarioRun{{suiteScenario{"checkout (whole)", 16}, result{name: "checkout (whole)", latencies: lat(10, 20), elapsed: time.Second}}}},
		{title: titleServices, startup: 9 * time.Second, reported: "9s", busy: 2 * time.Minute, idle: 0.31, memory: treeMemory{RSS: 800 << 20, Peak: 900 << 20, Processes: 9},
			results: []scenarioRun{{suiteScenario{"checkout (whole)", 16}, result{name: "checkout (whole)", latencies: lat(30, 40), elapsed: 2 * time.Second}}},
			err:     errors.New("stop: did not stop | killed")},
		{title: "other", err: errors.New("not ready: did not answer\n200")},
	}
	benches := []goBenchResult{
		{bench: goBenchmark{label: "checkout, PostgreSQL + Redis"}, lines: parseBenchOutput(strings.NewReader(benchOutput))[:1]},
		{bench: goBenchmark{label: "search"}, err: errors.New("go test failed")},
	}
	var b strings.Builder
	renderSuite(&b, "Test CPU, 2 cores", suiteOptions{duration: 5 * time.Second, benchtime: time.Second}, runs, benches)
	assert.Equal(t, `Machine: Test CPU, 2 cores.

| shop | ready after | its banner says | busy after ready | idle CPU | memory after load | processes |
|---|---:|---:|---:|---:|---:|---:|
| embedded | 700ms | 650ms | 0s | 0.2% | 100.0 MB (peak 120.0 MB) | 1 |
| PostgreSQL + Redis | 2s | 1.9s | 15.2s | 0.4% | 200.0 MB (peak 200.0 MB) | 1 |
| services apart | 9s | 9s | over 2m0s | 31.0% | 800.0 MB (peak 900.0 MB) | 9 |
| other | failed: not ready: did not answer 200 | | | | | |

Over loopback HTTP, 5s per scenario; each client one connection, one request at a time; the load generator runs on the same machine.

| shop | scenario | clients | req/s | p50 | p99 | errors |
|---|---|---:|---:|---:|---:|---:|
| embedded | add to cart | 1 | 4 | 3.00ms | 4.00ms | 0 |
| PostgreSQL + Redis | checkout (whole) | 16 | 2 | 20ms | 20ms | 0 |
| services apart | checkout (whole) | 16 | 1 | 40ms | 40ms | 0 |
| services apart | failed: stop: did not stop / killed | | | | | |

The cost of the hops: the same requests to the shop in one process (PostgreSQL + Redis) and through the gateway to the services apart (also PostgreSQL and Redis, events over NATS).

| scenario | clients | one process req/s | p50 | p99 | services apart req/s | p50 | p99 | p50 added |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
| checkout (whole) | 16 | 2 | 20ms | 20ms | 1 | 40ms | 40ms | 20ms |

In process (go test -bench, -benchtime 1s), no HTTP:

| benchmark | variant | throughput | p50 | p99 | ns/op | also |
|---|---|---:|---:|---:|---:|---|
| checkout, PostgreSQL + Redis | buyers=1 | 184 checkouts/s | 4.90ms | 12.3ms | 5.43ms | 14 roundtrips/op |
| search | failed: go test failed | | | | | |
`, b.String())
}

func TestCPUFromStat(t *testing.T) {
	ticks, ok := cpuFromStat("4242 (shop (v2) x) S 1 4242 4242 0 -1 4194560 900 0 0 0 150 25 0 0 20 0 9 0 100 0 0")
	assert.True(t, ok)
	assert.Equal(t, int64(175), ticks, "utime 150 + stime 25")
	_, ok = cpuFromStat("4242 (shop) S 1")
	assert.False(t, ok)
}

// TestProcessTreeCPUGrowsWithWork reads this test process's own CPU time
// while it works.
func TestProcessTreeCPUGrowsWithWork(t *testing.T) {
	before, err := processTreeCPU(os.Getpid())
	require.NoError(t, err)
	deadline := time.Now().Add(time.Minute)
	sum := 0
	for {
		for i := range 1 << 20 {
			sum += i % 7
		}
		now, err := processTreeCPU(os.Getpid())
		require.NoError(t, err)
		if now-before >= 50*time.Millisecond {
			break
		}
		require.True(t, time.Now().Before(deadline), "no CPU time counted after a minute of work (sum %d)", sum)
	}
}
