package benchload_test

import (
	"sync"
	"testing"

	"github.com/mercatohq/mercato/internal/benchload"
)

func TestRunCallsEachIndexOnceAndReports(t *testing.T) {
	var failures []string
	res := testing.Benchmark(func(b *testing.B) {
		var mu sync.Mutex
		seen := make(map[int]int, b.N)
		benchload.Run(b, 4, "ops/s", func(worker, i int) error {
			mu.Lock()
			seen[i]++
			mu.Unlock()
			return nil
		})
		for i := range b.N {
			if seen[i] != 1 {
				failures = append(failures, "an index ran other than once")
				return
			}
		}
	})
	if len(failures) > 0 {
		t.Fatal(failures[0])
	}
	for _, metric := range []string{"ops/s", "p50-ms", "p99-ms", "max-ms"} {
		if _, ok := res.Extra[metric]; !ok {
			t.Errorf("metric %s not reported (got %v)", metric, res.Extra)
		}
	}
}
