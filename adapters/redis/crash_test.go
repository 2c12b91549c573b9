package redis_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce/commercetest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/redis"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/internal/testenv"
)

// The crash test re-executes the test binary as a child process that
// writes carts and relays their events; these variables tell the child
// what to do.
const (
	crashPrefixEnv = "MERCATO_REDIS_CRASH_PREFIX"
	crashModeEnv   = "MERCATO_REDIS_CRASH_MODE" // "write" or "drain"
)

// Bounds of the crash test: how often the child is killed, and how many
// carts it creates (at least) between two kills.
const (
	crashKills       = 5
	crashCartsPerRun = 150
	crashWriters     = 4
	crashHandlerWork = 5 * time.Millisecond
	// crashClaimIdle is how long the entries a killed relay held wait
	// before the next relay claims them.
	crashClaimIdle = 200 * time.Millisecond
	// crashSettle is how long the last process may take once the outbox
	// is empty.
	crashSettle = 2 * time.Second
)

// TestOutboxRelayIntoGoChannelLosesNothingWhenKilled kills a process that
// creates carts, whose events the store commits to its outbox, and
// relays them into the in-process bus, whose handler records each cart in
// Redis. It is killed with SIGKILL, under load, crashKills times; a last
// process then relays what is left. Every committed cart's event must
// have been handled at least once: the relay acknowledges (and deletes)
// an outbox entry only once the handler is done, so a kill before that
// leaves the entry for the next process to claim.
func TestOutboxRelayIntoGoChannelLosesNothingWhenKilled(t *testing.T) {
	if prefix := os.Getenv(crashPrefixEnv); prefix != "" {
		crashChild(t, prefix, os.Getenv(crashModeEnv))
		return
	}
	ctx := context.Background()
	env := testenv.Redis(t)
	prefix := env.Prefix + "cart:"
	outbox, handled := prefix+"outbox", env.Prefix+"handled"
	committed := func() []string {
		var ids []string
		for keys := env.Client.Scan(ctx, 0, prefix+"*", 1000).Iterator(); keys.Next(ctx); {
			id := strings.TrimPrefix(keys.Val(), prefix)
			if !strings.HasPrefix(id, "outbox") && !strings.HasPrefix(id, "customer:") {
				ids = append(ids, id)
			}
		}
		return ids
	}
	missing := func() int {
		ids := committed()
		if len(ids) == 0 {
			return 0
		}
		members := make([]any, len(ids))
		for i, id := range ids {
			members[i] = id
		}
		seen, err := env.Client.SMIsMember(ctx, handled, members...).Result()
		require.NoError(t, err)
		n := 0
		for _, s := range seen {
			if !s {
				n++
			}
		}
		return n
	}
	unrelayed := func() int64 { return streamLen(t, env, outbox) }
	deadline := time.Now().Add(commercetest.AwaitTimeout(t))

	for kill := range crashKills {
		child, out := startCrashChild(t, prefix, handled, "write")
		target := (kill + 1) * crashCartsPerRun
		for len(committed()) < target {
			if time.Now().After(deadline) {
				_ = child.Process.Kill()
				_ = child.Wait()
				t.Fatalf("the child committed fewer than %d carts in time\n%s", target, out)
			}
			time.Sleep(5 * time.Millisecond) // poll interval
		}
		// Kill right after the relay acknowledges an entry (which deletes
		// it): the moment when a relay that acknowledges too early still
		// has handlers running.
		for left := unrelayed(); unrelayed() >= left && left > 0 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond) // poll interval
		}
		require.NoError(t, child.Process.Kill()) // SIGKILL: no deferred work runs
		_ = child.Wait()
		t.Logf("kill %d: %d carts committed, %d not yet handled", kill+1, len(committed()), missing())
	}

	// A last process relays what the killed ones left in the outbox.
	child, out := startCrashChild(t, prefix, handled, "drain")
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	var caughtUp time.Time
	for missing() > 0 && time.Now().Before(deadline) {
		if caughtUp.IsZero() && unrelayed() == 0 {
			caughtUp = time.Now()
		}
		if !caughtUp.IsZero() && time.Since(caughtUp) > crashSettle {
			break
		}
		time.Sleep(5 * time.Millisecond) // poll interval
	}
	lost := missing()
	t.Logf("%d carts committed across %d kills; %d events never handled", len(committed()), crashKills, lost)
	assert.Zero(t, lost, "committed events lost\n%s", out)
}

// startCrashChild runs this test in a child process in mode, on the store
// under prefix, recording handled carts in the set handled.
func startCrashChild(t *testing.T, prefix, handled, mode string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOutboxRelayIntoGoChannelLosesNothingWhenKilled$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashPrefixEnv+"="+prefix+" "+handled, crashModeEnv+"="+mode)
	out := &bytes.Buffer{} // read only after Wait
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	return cmd, out
}

// crashChild is the child process: a bus on GoChannel whose handler
// records every created cart in a set, the store's outbox relayed into it
// and, in write mode, writers creating carts. It runs until it is killed.
func crashChild(t *testing.T, arg, mode string) {
	ctx := context.Background()
	prefix, handled, _ := strings.Cut(arg, " ")
	client := testenv.Redis(t).Client
	registry := commerce.NewEventRegistry()
	cart.RegisterEvents(registry)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Registry: registry, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, bus.Subscribe("consumer", "cart.created", func(ctx context.Context, env commerce.Envelope) error {
		// A handler takes a while, as sending an email does: events then
		// queue in the bus unless the relay waits for them.
		time.Sleep(crashHandlerWork)
		return client.SAdd(ctx, handled, env.AggregateID).Err()
	}))
	// Handlers first: the in-process bus drops what nobody listens to.
	require.NoError(t, bus.Start(ctx))
	store, err := redis.NewCartStore(client, &redis.CartOptions{Prefix: prefix})
	require.NoError(t, err)
	relay, err := store.NewOutboxRelay(bus, &redis.RelayOptions{
		Registry: registry, Block: 20 * time.Millisecond, ClaimIdle: crashClaimIdle, RetryDelay: 5 * time.Millisecond, Logger: quiet,
	})
	require.NoError(t, err)
	require.NoError(t, relay.Start(ctx))
	if mode == "write" {
		svc, err := cart.NewService(store, pricer{}, nil)
		require.NoError(t, err)
		// Each process creates crashCartsPerRun carts, then only relays
		// until it is killed, which bounds the test's work.
		var left atomic.Int64
		left.Store(crashCartsPerRun)
		for range crashWriters {
			go func() {
				for left.Load() > 0 {
					if _, err := svc.Create(ctx, cart.CreateInput{}); err == nil {
						left.Add(-1)
					}
				}
			}()
		}
	}
	select {} // until killed
}
