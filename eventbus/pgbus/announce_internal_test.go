package pgbus

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/internal/testenv"
)

// announcedOutbox returns an outbox on a topic of its own (other tests
// notify the default channel in the same database) and a connection
// listening on its channel.
func announcedOutbox(t *testing.T) (*Outbox, *pgxpool.Pool, *pgx.Conn) {
	t.Helper()
	pool := testenv.Postgres(t)
	ctx := context.Background()
	bus, log := quietBus(t)
	topic := fmt.Sprintf("announce_%d", time.Now().UnixNano())
	outbox, err := NewOutbox(ctx, pool, bus, &OutboxOptions{Topic: topic, Options: Options{Logger: log}})
	require.NoError(t, err)
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	t.Cleanup(conn.Release)
	_, err = conn.Exec(ctx, `LISTEN `+pgx.Identifier{notifyChannel(topic)}.Sanitize())
	require.NoError(t, err)
	return outbox, pool, conn.Conn()
}

// marked sends a marker notification on o's channel and returns the
// payloads of the notifications conn receives up to the marker: the
// notifications sent before it, in order.
func marked(t *testing.T, o *Outbox, pool *pgxpool.Pool, conn *pgx.Conn) []string {
	t.Helper()
	ctx := context.Background()
	_, err := pool.Exec(ctx, `SELECT pg_notify($1, 'marker')`, notifyChannel(o.opts.Topic))
	require.NoError(t, err)
	var got []string
	for {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		require.NoError(t, err)
		if n.Payload == "marker" {
			return got
		}
		got = append(got, n.Payload)
	}
}

// TestAnnounceFoldsTheCallsOfAnInterval: the first call notifies; the
// calls within the interval after it send nothing at once.
func TestAnnounceFoldsTheCallsOfAnInterval(t *testing.T) {
	o, pool, conn := announcedOutbox(t)
	ctx := context.Background()
	o.announceEvery = time.Hour
	for range 5 {
		require.NoError(t, o.Announce(ctx))
	}
	assert.Len(t, marked(t, o, pool, conn), 1, "one notification for five calls")
}

// TestAnnounceNotifiesAgainAtTheIntervalsEnd: a call within the interval
// has a notification sent when it ends, so relays that only wait for
// notifications still hear of its commit.
func TestAnnounceNotifiesAgainAtTheIntervalsEnd(t *testing.T) {
	o, pool, conn := announcedOutbox(t)
	ctx := context.Background()
	require.NoError(t, o.Announce(ctx))
	o.mu.Lock()
	o.announceEvery = time.Second
	o.mu.Unlock()
	require.NoError(t, o.Announce(ctx))
	for i := range 2 {
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := conn.WaitForNotification(wctx)
		cancel()
		require.NoError(t, err, "notification %d", i+1)
	}
	assert.Empty(t, marked(t, o, pool, conn), "two calls, two notifications")
}

// TestFailedAnnounceLetsTheNextCallNotify: a notification that failed
// does not count, so the next call notifies rather than leave the relays
// asleep for the interval.
func TestFailedAnnounceLetsTheNextCallNotify(t *testing.T) {
	o, pool, conn := announcedOutbox(t)
	o.announceEvery = time.Hour
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	require.Error(t, o.Announce(cancelled))
	require.NoError(t, o.Announce(context.Background()))
	assert.Len(t, marked(t, o, pool, conn), 1)
}

// TestWokenRelaysOutlastTheAnnounceInterval: a relay woken by a
// notification looks for rows for hotWindow, so it goes on looking well
// after every commit whose announcement the interval folded.
func TestWokenRelaysOutlastTheAnnounceInterval(t *testing.T) {
	assert.LessOrEqual(t, 2*announceInterval, hotWindow)
}
