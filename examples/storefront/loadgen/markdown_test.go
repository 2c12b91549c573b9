package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRenderMarkdown(t *testing.T) {
	var b strings.Builder
	renderMarkdown(&b, "Test CPU, 2 cores, go1.26", "api, 1 workers, 1s per scenario", []result{
		{name: "add to cart", latencies: []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond, 500 * time.Microsecond}, elapsed: 2 * time.Second},
		{name: "checkout", errors: 3},
	})
	assert.Equal(t, `Machine: Test CPU, 2 cores, go1.26. Workload: api, 1 workers, 1s per scenario.

| scenario | requests | errors | req/s | p50 | p90 | p99 | max |
|---|---:|---:|---:|---:|---:|---:|---:|
| add to cart | 4 | 0 | 2 | 2.00ms | 3.00ms | 3.00ms | 3.00ms |
| checkout | 0 | 3 | - | - | - | - | - |
`, b.String())
}

func TestCPUModel(t *testing.T) {
	info := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nprocessor\t: 1\nmodel name\t: other\n"
	assert.Equal(t, "Intel(R) Xeon(R) CPU @ 2.20GHz", cpuModel(strings.NewReader(info)))
	assert.Equal(t, "", cpuModel(strings.NewReader("processor\t: 0\n")))
	assert.Regexp(t, ` cores, .*go1\.[0-9]+.* linux/`, describeMachine())
}

func TestMemTotalAndLoadAverage(t *testing.T) {
	assert.Equal(t, "23.5 GB", memTotal(strings.NewReader("MemTotal:       24683520 kB\nMemFree:        20700000 kB\n")))
	assert.Equal(t, "", memTotal(strings.NewReader("MemFree: 1 kB\n")))
	assert.Equal(t, "2.67 0.94 0.34", loadAverage(strings.NewReader("2.67 0.94 0.34 3/412 12345\n")))
	assert.Equal(t, "", loadAverage(strings.NewReader("")))
}
