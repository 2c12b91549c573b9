// Command mercato-shard migrates the shards of a sharded Mercato shop,
// shows their bucket map and moves a bucket from one shard to another.
//
//	mercato-shard -shards URL1,URL2,... migrate
//	mercato-shard -shards URL1,URL2,... show
//	mercato-shard -shards URL1,URL2,... move -bucket 77 -to 1
//
// The map is the newest one a move stored in the shards, else the one in
// -map (a JSON file), else bucket b on shard b % N. A move pauses the
// bucket's writes inside this process only: run it while the shop is
// stopped, or move from inside the shop (Router.MoveBucket) while it runs.
// The shop picks the new map up at its next start (shard.LoadMap).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/adapters/postgres/shard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mercato-shard:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("mercato-shard", flag.ContinueOnError)
	urls := fs.String("shards", "", "comma-separated PostgreSQL URLs, one per shard, in map order")
	mapFile := fs.String("map", "", "JSON map to use when the shards store none")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *urls == "" || fs.NArg() == 0 {
		return errors.New("usage: mercato-shard -shards URL1,URL2,... [-map FILE] migrate|show|move -bucket B -to S")
	}
	var pools []*pgxpool.Pool
	defer func() {
		for _, p := range pools {
			p.Close()
		}
	}()
	for i, u := range strings.Split(*urls, ",") {
		p, err := pgxpool.New(ctx, strings.TrimSpace(u))
		if err != nil {
			return fmt.Errorf("shard %d: %w", i, err)
		}
		pools = append(pools, p)
	}
	cmd, rest := fs.Arg(0), fs.Args()[1:]
	if cmd == "migrate" {
		if err := shard.Migrate(ctx, pools); err != nil {
			return err
		}
		_, err := fmt.Fprintf(out, "%d shards migrated\n", len(pools))
		return err
	}
	m, err := currentMap(ctx, pools, *mapFile)
	if err != nil {
		return err
	}
	switch cmd {
	case "show":
		return printMap(out, m)
	case "move":
		mv := flag.NewFlagSet("move", flag.ContinueOnError)
		bucket := mv.Int("bucket", -1, "the bucket to move")
		to := mv.Int("to", -1, "the index of the shard to move it to")
		if err := mv.Parse(rest); err != nil {
			return err
		}
		shards := make([]shard.Shard, len(pools))
		for i, p := range pools {
			// A move writes no domain events: the rows it copies keep
			// the events already in their old shard's outbox.
			shards[i] = shard.Shard{Pool: p, Outbox: postgres.DiscardEvents{}}
		}
		r, err := shard.New(m, shards, &shard.Options{Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))})
		if err != nil {
			return err
		}
		defer r.Close()
		next, err := r.MoveBucket(ctx, *bucket, *to)
		if err != nil {
			return err
		}
		return printMap(out, next)
	}
	return fmt.Errorf("unknown command %q: want migrate, show or move", cmd)
}

// currentMap is the newest stored map, else the -map file, else the
// modulo map over the shards.
func currentMap(ctx context.Context, pools []*pgxpool.Pool, file string) (shard.Map, error) {
	if m, ok, err := shard.LoadMap(ctx, pools); err != nil || ok {
		return m, err
	}
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return shard.Map{}, err
		}
		return shard.ParseMap(raw)
	}
	return shard.NumberedMap(len(pools))
}

func printMap(out io.Writer, m shard.Map) error {
	if _, err := fmt.Fprintln(out, m); err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(m)
}
