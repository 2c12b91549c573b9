package httpapi_test

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/ratelimit"
)

// residentKiB returns the process's resident set size in KiB, 0 where
// /proc is not available.
func residentKiB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// BenchmarkLoginUnderAttack: 300 clients send logins with wrong 256-byte
// passwords as fast as they can, with argon2id at its default cost (19
// MiB a hash), from addresses the per-client limit does not stop (as a
// botnet's would not be); meanwhile each iteration reads a product page.
// It reports the peak resident memory of the process and the p99 latency
// of the product reads, which the bound on concurrent hashes keeps low.
func BenchmarkLoginUnderAttack(b *testing.B) {
	const attackers = 300
	s := newShop(b, func(c *shopConfig) {
		c.customers = func(o *customer.Options) {
			o.Password = customer.DefaultPasswordParams
			o.LoginPerClient = ratelimit.PerPeriod(1_000_000, time.Minute)
			o.LoginPerAccount = ratelimit.PerPeriod(1_000_000, time.Minute)
		}
	})
	s.sellable("MUG-1", 1250, 10)
	s.customer("victim@example.com")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var logins, refused atomic.Int64
	body := []byte(`{"email":"victim@example.com","password":"` + strings.Repeat("x", customer.MaxPasswordLength) + `"}`)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: attackers + 10}}
	for range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Post(s.srv.URL+"/store/auth/login", "application/json", bytes.NewReader(body))
				if err != nil {
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusServiceUnavailable {
					refused.Add(1)
				}
				logins.Add(1)
			}
		}()
	}
	var peak atomic.Int64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			if rss := residentKiB(); rss > peak.Load() {
				peak.Store(rss)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	time.Sleep(200 * time.Millisecond) // let the attack reach full strength before measuring

	var latencies []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		resp, err := client.Get(s.srv.URL + "/store/products?limit=10")
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("products: %d", resp.StatusCode)
		}
		latencies = append(latencies, time.Since(start))
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	<-sampled
	slices.Sort(latencies)
	p99 := latencies[min(len(latencies)-1, len(latencies)*99/100)]
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(peak.Load())/1024, "peak-rss-MB")
	b.ReportMetric(float64(logins.Load()), "logins")
	b.Logf("%d attackers, %d logins (%d answered 503), peak RSS %.0f MB, product p99 %s", attackers, logins.Load(), refused.Load(), float64(peak.Load())/1024, p99)
}
