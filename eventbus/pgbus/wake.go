package pgbus

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A relay sleeps until the outbox table's trigger announces a commit
// (NOTIFY, delivered by PostgreSQL when the inserting transaction
// commits) and looks for rows at FallbackPollInterval otherwise, so an
// idle shop makes no queries but the fallback's.

// notifyFunction and notifyTrigger name the statement trigger on an outbox
// table that announces its inserts on a channel named like the table.
const (
	notifyFunction = "mercato_outbox_notify"
	notifyTrigger  = "mercato_outbox_notify"
)

// hotWindow is how long after a notification a relay keeps polling at
// PollInterval: a row is readable only once every older transaction on the
// server has ended, which may be after the notification of its own commit.
const hotWindow = 2 * time.Second

// idleWait is how long a relay whose last query found nothing waits for a
// notification before it queries again, sinceWake after the last one.
// Within hotWindow it polls at poll. Past it, the rows announced may still
// be hidden by a long transaction elsewhere on the server (a report, a
// backup's snapshot): it waits as long again as it has waited beyond the
// window, so such rows are relayed at most about that long after the
// transaction ends, rather than at the next fallback poll, while a relay
// woken for rows it already took makes only a few more queries. It never
// waits longer than fallback.
func idleWait(sinceWake, poll, fallback time.Duration) time.Duration {
	if sinceWake < hotWindow {
		return min(poll, fallback)
	}
	return min(fallback, max(poll, sinceWake-hotWindow))
}

// notifyChannel is the channel an outbox table's trigger notifies: the
// table's name, which tableName keeps within an identifier's length.
func notifyChannel(topic string) string {
	return strings.Trim(tableName("watermill_", topic), `"`)
}

// quietSetting is the transaction-local setting with which
// Outbox.PublishQuiet tells the trigger not to notify.
const quietSetting = "mercato.outbox_quiet"

// installNotifyTrigger makes inserts into topic's outbox table notify its
// channel once their transaction commits. It is idempotent and safe to run
// from several processes at once.
func installNotifyTrigger(ctx context.Context, pool *pgxpool.Pool, topic string) error {
	table := tableName("watermill_", topic)
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		// Concurrent CREATE OR REPLACE FUNCTION statements collide; take
		// turns.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('mercato_outbox_notify'))`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE OR REPLACE FUNCTION `+notifyFunction+`() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF coalesce(current_setting('`+quietSetting+`', true), '') <> 'on' THEN
		PERFORM pg_notify(TG_TABLE_NAME, '');
	END IF;
	RETURN NULL;
END
$$`); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname = $2)`,
			table, notifyTrigger).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return nil
		}
		// One notification per statement; PostgreSQL folds the repeats of
		// a transaction into one.
		_, err := tx.Exec(ctx, fmt.Sprintf(`CREATE TRIGGER %s AFTER INSERT ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()`,
			notifyTrigger, table, notifyFunction))
		return err
	})
}

// waker is the relay's Watermill BackoffManager: after a query that found
// nothing it waits for a notification, the fallback interval or the
// relay's close, instead of a fixed poll interval.
type waker struct {
	poll, fallback time.Duration
	errors         wsql.BackoffManager
	wakeups        chan struct{}
	done           chan struct{}
	lastWake       atomic.Int64 // unix nanoseconds
}

func newWaker(poll, retry, fallback time.Duration) *waker {
	return &waker{
		poll: poll, fallback: fallback,
		errors:  wsql.NewDefaultBackoffManager(poll, retry),
		wakeups: make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
}

// wake makes the consumer query again now (or after its current query).
func (w *waker) wake() {
	w.lastWake.Store(time.Now().UnixNano())
	select {
	case w.wakeups <- struct{}{}:
	default: // a wakeup is pending already
	}
}

// stop ends every wait for good; the consumer then polls at poll until it
// sees its subscriber closing.
func (w *waker) stop() { close(w.done) }

// HandleError implements wsql.BackoffManager. It runs on the consumer's
// goroutine between queries; what it returns is a further sleep.
func (w *waker) HandleError(logger watermill.LoggerAdapter, noMsg bool, err error) time.Duration {
	if err != nil {
		return w.errors.HandleError(logger, noMsg, err)
	}
	if !noMsg {
		return 0
	}
	t := time.NewTimer(idleWait(time.Since(time.Unix(0, w.lastWake.Load())), w.poll, w.fallback))
	defer t.Stop()
	select {
	case <-w.wakeups:
		return 0
	case <-t.C:
		return 0
	case <-w.done:
		return w.poll
	}
}

// listen holds a connection of its own LISTENing on channel and wakes w
// at each notification, until ctx ends. It wakes w whenever it
// (re)connects too: a notification sent while it was not listening is
// lost, and the query it prompts finds what that one announced. ready is
// closed after the first attempt to listen, successful or not.
func listen(ctx context.Context, pool *pgxpool.Pool, channel string, w *waker, log *slog.Logger, ready chan<- struct{}) {
	const maxBackoff = 5 * time.Second
	backoff := 100 * time.Millisecond
	first := true
	signalReady := func() {
		if first {
			first = false
			close(ready)
		}
	}
	defer signalReady()
	for ctx.Err() == nil {
		err := listenOnce(ctx, pool, channel, w, signalReady)
		if ctx.Err() != nil {
			return
		}
		log.Warn("pgbus: outbox notifications lost; polling until they are back", "channel", channel, "error", err, "retry_in", backoff)
		signalReady()
		w.wake()
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listenOnce connects, listens and wakes w until the connection fails or
// ctx ends.
func listenOnce(ctx context.Context, pool *pgxpool.Pool, channel string, w *waker, listening func()) error {
	// A connection of its own rather than the pool's: it is held for as
	// long as the relay runs.
	conn, err := pgx.ConnectConfig(ctx, pool.Config().ConnConfig.Copy())
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return err
	}
	w.wake()
	listening()
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		w.wake()
	}
}
