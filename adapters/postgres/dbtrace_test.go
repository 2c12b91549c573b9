package postgres_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// dbTrace counts, over the connections it traces, the round trips and
// the durable commits they make.
//
// A round trip is one query (Exec, Query, QueryRow, BEGIN and COMMIT
// included) or one batch, however many statements it carries. The extra
// round trip a batch spends preparing statements a connection has not
// seen yet is not counted.
//
// A durable commit is a transaction the server must flush to its WAL
// before answering: one that ended in COMMIT, or ran outside an explicit
// transaction, and wrote. It wrote when one of its statements answered
// with an INSERT, UPDATE, DELETE, MERGE or COPY tag, or locked rows
// (SELECT ... FOR UPDATE/SHARE), which also takes a transaction ID. So:
//   - BEGIN ... COMMIT that wrote is one commit, however many
//     statements it ran; a read-only one, or one rolled back, is none;
//   - a write outside an explicit transaction is a commit of its own
//     (autocommit), a read there is none;
//   - a batch's statements outside BEGIN ... COMMIT are one implicit
//     transaction (pgx ends a batch with one Sync): one commit if any of
//     them wrote.
//
// Read-only transactions are left out because PostgreSQL assigns them no
// transaction ID and writes no commit record: they cost no fsync.
type dbTrace struct {
	roundTrips atomic.Int64
	commits    atomic.Int64

	mu    sync.Mutex
	conns map[*pgx.Conn]*connTrace
}

// connTrace is where one connection stands.
type connTrace struct {
	inTx       bool   // between BEGIN and COMMIT or ROLLBACK
	txWrote    bool   // the explicit transaction wrote
	sql        string // the query under way
	inBatch    bool   // a batch is under way
	batchWrote bool   // the batch wrote outside an explicit transaction
}

var (
	_ pgx.QueryTracer = (*dbTrace)(nil)
	_ pgx.BatchTracer = (*dbTrace)(nil)
)

// RoundTrips returns the round trips counted so far.
func (d *dbTrace) RoundTrips() int64 { return d.roundTrips.Load() }

// Commits returns the durable commits counted so far.
func (d *dbTrace) Commits() int64 { return d.commits.Load() }

func (d *dbTrace) conn(c *pgx.Conn) *connTrace {
	if d.conns == nil {
		d.conns = map[*pgx.Conn]*connTrace{}
	}
	ct := d.conns[c]
	if ct == nil {
		ct = &connTrace{}
		d.conns[c] = ct
	}
	return ct
}

// TraceQueryStart implements pgx.QueryTracer.
func (d *dbTrace) TraceQueryStart(ctx context.Context, c *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	d.roundTrips.Add(1)
	d.mu.Lock()
	d.conn(c).sql = data.SQL
	d.mu.Unlock()
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (d *dbTrace) TraceQueryEnd(_ context.Context, c *pgx.Conn, data pgx.TraceQueryEndData) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ct := d.conn(c)
	if data.Err != nil {
		if !ct.inTx {
			return // an autocommit statement that failed commits nothing
		}
		if c.PgConn().TxStatus() == 'I' {
			ct.inTx, ct.txWrote = false, false // a failed COMMIT
		}
		return
	}
	d.statement(ct, ct.sql, data.CommandTag, false)
}

// TraceBatchStart implements pgx.BatchTracer.
func (d *dbTrace) TraceBatchStart(ctx context.Context, c *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	d.roundTrips.Add(1)
	d.mu.Lock()
	ct := d.conn(c)
	ct.inBatch, ct.batchWrote = true, false
	d.mu.Unlock()
	return ctx
}

// TraceBatchQuery implements pgx.BatchTracer.
func (d *dbTrace) TraceBatchQuery(_ context.Context, c *pgx.Conn, data pgx.TraceBatchQueryData) {
	if data.Err != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.statement(d.conn(c), data.SQL, data.CommandTag, true)
}

// TraceBatchEnd implements pgx.BatchTracer.
func (d *dbTrace) TraceBatchEnd(_ context.Context, c *pgx.Conn, data pgx.TraceBatchEndData) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ct := d.conn(c)
	if data.Err == nil && ct.batchWrote {
		d.commits.Add(1)
	}
	ct.inBatch, ct.batchWrote = false, false
	if data.Err != nil && c.PgConn().TxStatus() == 'I' {
		ct.inTx, ct.txWrote = false, false
	}
}

// statement records a statement that succeeded with tag.
func (d *dbTrace) statement(ct *connTrace, sql string, tag pgconn.CommandTag, batched bool) {
	switch {
	case tag.String() == "BEGIN":
		ct.inTx, ct.txWrote = true, false
	case tag.String() == "COMMIT":
		if ct.inTx && ct.txWrote {
			d.commits.Add(1)
		}
		ct.inTx, ct.txWrote = false, false
	case tag.String() == "ROLLBACK":
		ct.inTx, ct.txWrote = false, false
	case !writes(sql, tag):
	case ct.inTx:
		ct.txWrote = true
	case batched:
		ct.batchWrote = true
	default:
		d.commits.Add(1)
	}
}

// writes reports whether a statement that answered tag wrote: changed
// rows or locked them.
func writes(sql string, tag pgconn.CommandTag) bool {
	if tag.Insert() || tag.Update() || tag.Delete() {
		return true
	}
	t := tag.String()
	if strings.HasPrefix(t, "MERGE") || strings.HasPrefix(t, "COPY") {
		return true
	}
	s := strings.ToLower(sql)
	return strings.Contains(s, " for update") || strings.Contains(s, " for no key update") ||
		strings.Contains(s, " for share") || strings.Contains(s, " for key share")
}
