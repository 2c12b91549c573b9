package pgbus_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/pgbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// The crash test re-executes the test binary as a child process that
// writes and relays; these variables tell the child what to do.
const (
	crashDSNEnv  = "MERCATO_PGBUS_CRASH_DSN"
	crashModeEnv = "MERCATO_PGBUS_CRASH_MODE" // "write" or "drain"
)

// Bounds of the crash test: how often the child is killed, and how many
// orders it commits (at least) between two kills.
const (
	crashKills        = 5
	crashOrdersPerRun = 150
	crashWriters      = 4
	crashHandlerWork  = 5 * time.Millisecond
	// crashSettle is how long the last process's handlers may take once
	// its relay has read the whole outbox.
	crashSettle = 2 * time.Second
)

// TestRelayIntoGoChannelLosesNothingWhenKilled kills a process that
// commits orders with their events through the outbox and relays them
// into the in-process bus, whose handler records each event in
// PostgreSQL. It is killed with SIGKILL, under load, crashKills times;
// a last process then relays what is left. Every committed order's event
// must have been handled at least once: the relay acknowledges an
// outbox row only once the handler is done, so a kill before that leaves
// the row to the next process.
func TestRelayIntoGoChannelLosesNothingWhenKilled(t *testing.T) {
	if dsn := os.Getenv(crashDSNEnv); dsn != "" {
		crashChild(t, dsn, os.Getenv(crashModeEnv))
		return
	}
	ctx := context.Background()
	dsn := testenv.PostgresURL(t)
	pool, err := pgxpool.New(ctx, dsn)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = pool.Exec(ctx, `CREATE TABLE orders (id text PRIMARY KEY); CREATE TABLE handled (id text PRIMARY KEY)`)
	require.NoError(t, err)
	count := func(query string) int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, query).Scan(&n))
		return n
	}
	const missing = `SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM handled h WHERE h.id = o.id)`
	// unrelayed counts the outbox rows past the relay's acknowledged
	// position (Watermill's offsets table).
	const unrelayed = `SELECT count(*) FROM watermill_mercato_outbox m WHERE NOT EXISTS (
		SELECT 1 FROM watermill_offsets_mercato_outbox o WHERE o.consumer_group = 'mercato_relay'
		AND (m.transaction_id, m."offset") <= (o.last_processed_transaction_id, o.offset_acked))`
	deadline := time.Now().Add(commercetest.AwaitTimeout(t))
	ackedPosition := func() string {
		var pos string
		err := pool.QueryRow(ctx, `SELECT last_processed_transaction_id::text || '/' || offset_acked FROM watermill_offsets_mercato_outbox
			WHERE consumer_group = 'mercato_relay'`).Scan(&pos)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			require.NoError(t, err)
		}
		return pos
	}

	for kill := range crashKills {
		child, out := startCrashChild(t, dsn, "write")
		target := (kill + 1) * crashOrdersPerRun
		for count(`SELECT count(*) FROM orders`) < target {
			if time.Now().After(deadline) {
				_ = child.Process.Kill()
				_ = child.Wait()
				t.Fatalf("the child committed fewer than %d orders in time\n%s", target, out)
			}
			time.Sleep(5 * time.Millisecond) // poll interval
		}
		// Kill right after the relay acknowledges rows: the moment when
		// a relay that acknowledges too early still has handlers running.
		for acked := ackedPosition(); ackedPosition() == acked && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond) // poll interval
		}
		require.NoError(t, child.Process.Kill()) // SIGKILL: no deferred work runs
		_ = child.Wait()
		t.Logf("kill %d: %d orders committed, %d not yet handled", kill+1, count(`SELECT count(*) FROM orders`), count(missing))
	}

	// A last process relays what the killed ones left in the outbox.
	child, out := startCrashChild(t, dsn, "drain")
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	// It is done when every event was handled or, should some be lost,
	// once it has read the whole outbox and its handlers had crashSettle
	// to finish.
	var caughtUp time.Time
	for count(missing) > 0 && time.Now().Before(deadline) {
		if caughtUp.IsZero() && count(unrelayed) == 0 {
			caughtUp = time.Now()
		}
		if !caughtUp.IsZero() && time.Since(caughtUp) > crashSettle {
			break
		}
		time.Sleep(5 * time.Millisecond) // poll interval
	}
	committed, lost := count(`SELECT count(*) FROM orders`), count(missing)
	t.Logf("%d orders committed across %d kills; %d events never handled", committed, crashKills, lost)
	assert.Zero(t, lost, "committed events lost\n%s", out)
}

// startCrashChild runs this test in a child process in mode on dsn.
func startCrashChild(t *testing.T, dsn, mode string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRelayIntoGoChannelLosesNothingWhenKilled$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDSNEnv+"="+dsn, crashModeEnv+"="+mode)
	out := &bytes.Buffer{} // read only after Wait
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	return cmd, out
}

// crashChild is the child process: a bus on GoChannel whose handler
// records every order's event in the handled table, the outbox relayed
// into it and, in write mode, writers committing orders with their events.
// It runs until it is killed.
func crashChild(t *testing.T, dsn, mode string) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dsn)
	require.NoError(t, err)
	cfg.MaxConns = crashWriters + 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, eventbus.Handle(bus, "consumer", func(ctx context.Context, _ commerce.Envelope, e orderPlaced) error {
		// A handler takes a while, as sending an email does: events then
		// queue in the bus unless the relay waits for them.
		time.Sleep(crashHandlerWork)
		_, err := pool.Exec(ctx, `INSERT INTO handled (id) VALUES ($1) ON CONFLICT DO NOTHING`, e.OrderID)
		return err
	}))
	// Handlers first: the in-process bus drops what nobody listens to.
	require.NoError(t, bus.Start(ctx))
	// Small batches: the relay acknowledges often, so the parent need not
	// wait long for an acknowledgement to kill it after.
	opts := &pgbus.OutboxOptions{Options: pgbus.Options{Logger: quiet, PollInterval: 5 * time.Millisecond, BatchSize: 10}}
	outbox, err := pgbus.NewOutbox(ctx, pool, bus, opts)
	require.NoError(t, err)
	relay, err := pgbus.NewRelay(pool, bus, opts)
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	if mode == "write" {
		// Each process commits crashOrdersPerRun orders, then only relays
		// until it is killed, which bounds the test's work.
		var left atomic.Int64
		left.Store(crashOrdersPerRun)
		for w := range crashWriters {
			go func() {
				for i := 0; left.Load() > 0; i++ {
					id := fmt.Sprintf("w%d-%d-%d", w, os.Getpid(), i)
					err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
						if _, err := tx.Exec(ctx, `INSERT INTO orders (id) VALUES ($1)`, id); err != nil {
							return err
						}
						return outbox.Publish(ctx, tx, commerce.NewEnvelope(id, time.Now(), orderPlaced{OrderID: id}))
					})
					if err == nil {
						left.Add(-1)
					}
				}
			}()
		}
	}
	select {} // until killed
}
