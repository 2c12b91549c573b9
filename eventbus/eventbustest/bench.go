package eventbustest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/internal/benchload"
)

// benchPublishers is how many goroutines the "concurrent" benchmark runs.
const benchPublishers = 16

// Bench measures a backend through a Bus, each part after a warm-up event
// so joining a group is not counted:
//
//   - "latency" publishes one event at a time and waits for its handler
//     (p50-ms, p99-ms, max-ms);
//   - "throughput" publishes b.N events back to back from one goroutine and
//     waits for them all (events/s);
//   - "concurrent" has 16 goroutines publish events of 32 aggregates
//     (events/s, and latencies that include queueing).
func Bench(b *testing.B, cfg Config) {
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	b.Run("latency", func(b *testing.B) {
		bus, arrivals := cfg.benchBus(b)
		latencies := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := range b.N {
			sent := time.Now()
			benchPublish(b, bus, "bench", i)
			cfg.await(b, arrivals, 1)
			latencies = append(latencies, time.Since(sent))
		}
		b.StopTimer()
		benchload.ReportLatencies(b, latencies)
	})
	b.Run("throughput", func(b *testing.B) {
		bus, arrivals := cfg.benchBus(b)
		b.ResetTimer()
		began := time.Now()
		for i := range b.N {
			benchPublish(b, bus, "bench", i)
		}
		cfg.await(b, arrivals, b.N)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "events/s")
	})
	b.Run("concurrent", func(b *testing.B) {
		bus, arrivals := cfg.benchBus(b)
		b.ResetTimer()
		began := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, benchPublishers)
		for p := range benchPublishers {
			wg.Go(func() {
				for seq := p; seq < b.N; seq += benchPublishers {
					env := commerce.NewEnvelope(fmt.Sprintf("agg-%d", seq%32), time.Now(), Tested{Seq: seq})
					if err := bus.Publish(context.Background(), env); err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		latencies := cfg.await(b, arrivals, b.N)
		b.StopTimer()
		b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "events/s")
		benchload.ReportLatencies(b, latencies)
	})
}

// benchBus returns a started bus whose handler reports each event's age
// (now minus its OccurredAt), after one warm-up event has gone through.
func (c Config) benchBus(b *testing.B) (*eventbus.Bus, <-chan time.Duration) {
	bus := c.newBus(b, c.uniquePrefix(b), nil)
	arrivals := make(chan time.Duration, 4096)
	err := eventbus.Handle(bus, "bench", func(_ context.Context, env commerce.Envelope, _ Tested) error {
		arrivals <- time.Since(env.OccurredAt)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	start(b, bus)
	benchPublish(b, bus, "warm-up", -1)
	c.await(b, arrivals, 1)
	return bus, arrivals
}

func benchPublish(b *testing.B, bus *eventbus.Bus, aggregate string, seq int) {
	if err := bus.Publish(context.Background(), commerce.NewEnvelope(aggregate, time.Now(), Tested{Seq: seq})); err != nil {
		b.Fatal(err)
	}
}

// await waits for n arrivals and returns their ages.
func (c Config) await(b *testing.B, arrivals <-chan time.Duration, n int) []time.Duration {
	ages := make([]time.Duration, 0, n)
	timeout := time.NewTimer(c.Timeout)
	defer timeout.Stop()
	for len(ages) < n {
		select {
		case age := <-arrivals:
			ages = append(ages, age)
		case <-timeout.C:
			b.Fatalf("only %d of %d events delivered within %s", len(ages), n, c.Timeout)
		}
	}
	return ages
}
