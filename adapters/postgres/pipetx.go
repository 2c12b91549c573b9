package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/eventbus/pgbus"
)

// closureError carries the error of a caller's closure through inPipe,
// which returns it as it is rather than classified.
type closureError struct{ err error }

func (e *closureError) Error() string { return e.err.Error() }
func (e *closureError) Unwrap() error { return e.err }

// rollbackTimeout bounds the ROLLBACK of a failed transaction, which runs
// even when the caller's context has ended.
const rollbackTimeout = 5 * time.Second

// inPipe runs fn in a pipelined transaction on a connection of pool (see
// pipeTx). fn queues statements and flushes them when it needs their
// results, and ends with p.commit; a transaction fn leaves open is rolled
// back. Errors are classified with doing, except a closureError's, which
// is returned as the closure returned it.
func inPipe(ctx context.Context, pool *pgxpool.Pool, doing string, fn func(p *pipeTx) error) error {
	if u := unitOf(ctx, pool); u != nil {
		// A unit of work on this pool is under way (see
		// OrderStore.Atomically): fn writes in its transaction, and its
		// commit is left to the unit.
		return pipeError(fn(u), doing)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return classify(err, doing)
	}
	p := &pipeTx{conn: conn}
	p.Queue(`BEGIN ISOLATION LEVEL READ COMMITTED`)
	defer p.release(ctx)
	return pipeError(fn(p), doing)
}

// pipeError is inPipe's error for fn's err.
func pipeError(err error, doing string) error {
	var ce *closureError
	if errors.As(err, &ce) {
		return ce.err
	}
	return classify(err, doing)
}

// pipeTx is a transaction on one pooled connection whose statements are
// queued and sent in batches, each batch one round trip. BEGIN is queued
// first, so it travels with the first statements, and commit queues
// COMMIT behind the last ones; the server runs a pipeline's statements in
// order and skips the rest of it after an error, so the transaction stays
// all or nothing.
//
// pipeTx is also the pgx.Tx the Outbox writes through: Exec queues (its
// command tag is empty), and the calls that need an answer flush first.
type pipeTx struct {
	conn  *pgxpool.Conn
	batch pgx.Batch
	// outboxes holds the events of the transaction, by outbox in the
	// order written, until commit writes them: one quiet INSERT per
	// outbox (see publishAtCommit), whose relays are woken after the
	// commit.
	outboxes []pendingEvents
	// unit marks the transaction of a unit of work: the stores that write
	// in it leave it open (their commit does nothing), and the unit
	// commits it with end.
	unit bool
	// sent is set once a batch has gone to the server.
	sent bool
	// guarded is set while a statement queued with guard waits in the
	// batch: end sends it before it queues COMMIT.
	guarded bool
}

var _ pgx.Tx = (*pipeTx)(nil)

// Queue adds a statement to the next batch.
func (p *pipeTx) Queue(sql string, args ...any) *pgx.QueuedQuery {
	return p.batch.Queue(sql, args...)
}

// guard queues a statement whose command tag decides whether the
// transaction may commit: check's error fails the transaction. The
// server cannot see what check decides, so end sends a guarded statement
// in a round trip before COMMIT's, unless a flush took it first (as the
// locked read of a later write in a unit of work does).
func (p *pipeTx) guard(q *pgx.QueuedQuery, check func(pgconn.CommandTag) error) {
	q.Exec(check)
	p.guarded = true
}

// flush sends the queued statements, runs their callbacks and returns the
// first error.
func (p *pipeTx) flush(ctx context.Context) error {
	if p.batch.Len() == 0 {
		return nil
	}
	b := p.batch
	p.batch = pgx.Batch{}
	p.sent = true
	p.guarded = false
	return p.conn.SendBatch(ctx, &b).Close()
}

// commit queues COMMIT and flushes; in a unit of work it does nothing,
// the statements queued so far travelling with the unit's next round
// trip.
func (p *pipeTx) commit(ctx context.Context) error {
	if p.unit {
		return nil
	}
	return p.end(ctx)
}

// end writes the transaction's events, queues COMMIT, flushes and then
// wakes the relays of the events written.
func (p *pipeTx) end(ctx context.Context) error {
	if p.guarded {
		if err := p.flush(ctx); err != nil {
			return err
		}
	}
	for _, o := range p.outboxes {
		if err := o.outbox.PublishEncodedQuiet(ctx, p, o.events...); err != nil {
			return classify(err, "write events to the outbox")
		}
	}
	p.Queue(`COMMIT`).Exec(func(tag pgconn.CommandTag) error {
		// COMMIT of a failed transaction rolls back and says so.
		if tag.String() != "COMMIT" {
			return pgx.ErrTxCommitRollback
		}
		return nil
	})
	if err := p.flush(ctx); err != nil {
		return err
	}
	for _, o := range p.outboxes {
		// The change is committed whatever happens here: a relay not
		// woken finds the events at its fallback poll.
		_ = o.outbox.Announce(context.WithoutCancel(ctx))
	}
	return nil
}

// pendingEvents are the events a transaction writes to one outbox,
// encoded as they were published.
type pendingEvents struct {
	outbox announcer
	events []pgbus.Encoded
}

// publishAtCommit encodes events for a's outbox at once and keeps them
// until the transaction commits. Encoding now rather than at the commit
// keeps the JSON work of the events published before a lock (the order's
// and the payment's, before the stock's levels) out of the time the lock
// is held. The outbox's rows are invisible until the commit anyway;
// written together, a checkout step's events (the order's and the
// stock's in a unit of work) cost one quiet setting and one INSERT
// instead of one of each per store and per topic.
func (p *pipeTx) publishAtCommit(a announcer, events []commerce.Envelope) error {
	encoded, err := a.Encode(events...)
	if err != nil {
		return err
	}
	for i := range p.outboxes {
		if p.outboxes[i].outbox == a {
			p.outboxes[i].events = append(p.outboxes[i].events, encoded)
			return nil
		}
	}
	p.outboxes = append(p.outboxes, pendingEvents{outbox: a, events: []pgbus.Encoded{encoded}})
	return nil
}

// release rolls back a transaction still open and gives the connection
// back; one that cannot be rolled back is destroyed by the pool.
func (p *pipeTx) release(ctx context.Context) {
	c := p.conn.Conn()
	if !c.IsClosed() && c.PgConn().TxStatus() != 'I' {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
		_, _ = c.Exec(rctx, `ROLLBACK`)
		cancel()
	}
	p.conn.Release()
}

// errStoreOwnsTx refuses an outbox that tries to end the transaction it
// writes in: the store that began it ends it.
var errStoreOwnsTx = errors.New("postgres: the store ends its transactions; an outbox may not")

// Begin implements pgx.Tx; nested transactions are not supported.
func (p *pipeTx) Begin(context.Context) (pgx.Tx, error) {
	return nil, errors.New("postgres: nested transactions are not supported in a store's pipelined transaction")
}

// Commit implements pgx.Tx: the store commits, not the outbox.
func (p *pipeTx) Commit(context.Context) error { return errStoreOwnsTx }

// Rollback implements pgx.Tx: the store rolls back, not the outbox.
func (p *pipeTx) Rollback(context.Context) error { return errStoreOwnsTx }

// CopyFrom implements pgx.Tx.
func (p *pipeTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	if err := p.flush(ctx); err != nil {
		return 0, err
	}
	return p.conn.CopyFrom(ctx, table, columns, src)
}

// SendBatch implements pgx.Tx.
func (p *pipeTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if err := p.flush(ctx); err != nil {
		return pgx.FailedBatchResults(b, err)
	}
	return p.conn.SendBatch(ctx, b)
}

// LargeObjects implements pgx.Tx. Large objects are not available in a
// pipelined transaction: the value returned must not be used.
func (p *pipeTx) LargeObjects() pgx.LargeObjects { return pgx.LargeObjects{} }

// Prepare implements pgx.Tx.
func (p *pipeTx) Prepare(ctx context.Context, name, sql string) (*pgconn.StatementDescription, error) {
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.Conn().Prepare(ctx, name, sql)
}

// Exec implements pgx.Tx: it queues the statement for the batch that
// commits and returns an empty command tag.
func (p *pipeTx) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// Query implements pgx.Tx.
func (p *pipeTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := p.flush(ctx); err != nil {
		return nil, err
	}
	return p.conn.Query(ctx, sql, args...)
}

// QueryRow implements pgx.Tx.
func (p *pipeTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := p.flush(ctx); err != nil {
		return errRow{err}
	}
	return p.conn.QueryRow(ctx, sql, args...)
}

// Conn implements pgx.Tx.
func (p *pipeTx) Conn() *pgx.Conn { return p.conn.Conn() }

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
