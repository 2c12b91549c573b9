// Command recbatch runs the recommendation batch once: it reads the
// activity log (a Redis stream), computes the lists and commits them as
// a new run of the Redis serving store, then prints the report. A host
// runs it from cron, or runs recommend.Batch.Run in a long-lived process
// to keep the model between runs.
//
//	go run ./recommend/cmd/recbatch -redis redis://127.0.0.1:6379/0
//
// With -generate N it reads N generated shoppers' activity instead
// (recommend/sample, about 20 activities per shopper) into a memory
// store, and prints time, CPU time and peak heap: the batch's cost on
// this machine.
//
//	go run ./recommend/cmd/recbatch -generate 50000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/recommend"
	"github.com/mercatohq/mercato/recommend/sample"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "recbatch:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("recbatch", flag.ContinueOnError)
	redisURL := fs.String("redis", "redis://127.0.0.1:6379/0", "the Redis server holding the activity log and the lists")
	logPrefix := fs.String("log-prefix", redis.DefaultActivityPrefix, "the activity log's key prefix")
	recPrefix := fs.String("rec-prefix", redis.DefaultRecommendationPrefix, "the serving store's key prefix")
	generate := fs.Int("generate", 0, "read this many generated shoppers' activity instead of the log, into memory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	var (
		log   recommend.Log
		store recommend.Store
	)
	if *generate > 0 {
		log = sample.New(sample.Config{Seed: 7, Products: 20_000, Categories: 40, Tastes: 200, Shoppers: *generate, Sessions: 3}).Log()
		store = memory.NewRecommendationStore(nil)
	} else {
		opts, err := goredis.ParseURL(*redisURL)
		if err != nil {
			return fmt.Errorf("-redis: %w", err)
		}
		rdb := goredis.NewClient(opts)
		defer rdb.Close()
		if log, err = redis.NewActivityLog(rdb, &redis.ActivityLogOptions{Prefix: *logPrefix}); err != nil {
			return err
		}
		if store, err = redis.NewRecommendationStore(rdb, &redis.RecommendationOptions{Prefix: *recPrefix}); err != nil {
			return err
		}
	}
	batch, err := recommend.NewBatch(log, store, &recommend.BatchOptions{Logger: logger})
	if err != nil {
		return err
	}
	runtime.GC()
	cpu0, peak := cpuTime(), peakHeap()
	rep, err := batch.RunBatch(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "run %s: %d activities, %d products, %d pairs, %d customers, %d lists, %d pruned\n",
		rep.RunID, rep.Activities, rep.Products, rep.Pairs, rep.Customers, rep.Lists, rep.Pruned)
	fmt.Fprintf(out, "took %s (CPU %s), peak heap %.1f MB\n",
		rep.Took.Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond), float64(peak())/(1<<20))
	return nil
}

// peakHeap samples the live heap until the returned func is called,
// which returns the highest sample.
func peakHeap() func() uint64 {
	var (
		peak uint64
		wg   sync.WaitGroup
		done = make(chan struct{})
	)
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { close(done); wg.Wait(); return peak }
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
