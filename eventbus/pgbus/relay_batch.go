package pgbus

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/jackc/pgx/v5"

	"github.com/mercatohq/mercato/eventbus"
)

// relayBatch reads the next rows of the outbox, forwards them and moves
// the relay's position past the longest run of rows, from the first,
// that were all forwarded, deleting those rows from the outbox. It
// returns how many rows that was, and how many it read.
//
// It takes two round trips to PostgreSQL: one begins the transaction
// and reads the rows (locking the position, so relays in other
// processes wait their turn), the other moves the position, prunes and
// commits. The commit does not wait for the disk: a position lost in a
// database crash is an older position, so the rows after it, which the
// same crash kept, are forwarded again (at least once, never zero
// times).
func (r *Relay) relayBatch(ctx context.Context) (n, read int, err error) {
	q, err := r.schema.SelectQuery(wsql.SelectQueryParams{Topic: r.opts.Topic, ConsumerGroup: relayGroup, OffsetsAdapter: r.offsets})
	if err != nil {
		return 0, 0, err
	}
	conn, err := r.pool.Acquire(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("pgbus: relay: acquire a connection: %w", err)
	}
	defer func() {
		// A failed batch leaves its transaction open or aborted: end it
		// before the connection goes back to the pool.
		if conn.Conn().PgConn().TxStatus() != 'I' {
			_, rerr := conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
			err = errors.Join(err, rerr)
		}
		conn.Release()
	}()
	rows, from, err := r.readRows(ctx, conn.Conn(), q)
	if err != nil {
		return 0, 0, err
	}
	if len(rows) == 0 {
		return 0, 0, nil
	}
	n, ferr := r.forward(ctx, rows)
	if n == 0 {
		return 0, len(rows), ferr
	}
	if err := r.movePosition(ctx, conn.Conn(), from, rows[n-1]); err != nil {
		return 0, len(rows), errors.Join(ferr, err)
	}
	return n, len(rows), ferr
}

// position is where a relay stands in the outbox: past every row up to
// this one, in (transaction, offset) order.
type position struct {
	transaction wsql.XID8
	offset      int64
}

// readRows begins the relay's transaction on conn and runs the outbox's
// select q in it, returning the rows it found and the position they
// follow.
func (r *Relay) readRows(ctx context.Context, conn *pgx.Conn, q wsql.Query) (out []wsql.Row, from position, err error) {
	b := &pgx.Batch{}
	// Watermill's select sees only rows of transactions older than every
	// running one, in one snapshot: repeatable read.
	b.Queue("BEGIN ISOLATION LEVEL REPEATABLE READ")
	b.Queue("SET LOCAL synchronous_commit TO off")
	b.Queue(q.Query, q.Args...)
	// The select locked the position: read it as the select did.
	b.Queue(r.positionSQL, relayGroup)
	br := conn.SendBatch(ctx, b)
	defer func() { err = errors.Join(err, br.Close()) }()
	for range 2 {
		if _, err := br.Exec(); err != nil {
			return nil, from, fmt.Errorf("pgbus: relay: begin: %w", err)
		}
	}
	rows, err := br.Query()
	if err != nil {
		return nil, from, fmt.Errorf("pgbus: relay: read the outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		row, err := r.schema.UnmarshalMessage(wsql.UnmarshalMessageParams{Row: rows})
		if err != nil {
			return nil, from, fmt.Errorf("pgbus: relay: read an outbox row: %w", err)
		}
		out = append(out, row)
	}
	// The batch's next result is read only once these rows are closed.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, from, fmt.Errorf("pgbus: relay: read the outbox: %w", err)
	}
	if err := br.QueryRow().Scan(&from.offset, &from.transaction); err != nil {
		return nil, from, fmt.Errorf("pgbus: relay: read the position: %w", err)
	}
	return out, from, nil
}

// movePosition moves the relay's position from from to last, deletes the
// rows between, which no relay reads again, and commits the transaction
// readRows began on conn. The delete is bounded below as well as above:
// an index range open at the bottom would walk every row deleted before
// until VACUUM removes them.
func (r *Relay) movePosition(ctx context.Context, conn *pgx.Conn, from position, last wsql.Row) (err error) {
	ack, err := r.offsets.AckMessageQuery(wsql.AckMessageQueryParams{Topic: r.opts.Topic, LastRow: last, ConsumerGroup: relayGroup})
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(ack.Query, ack.Args...)
	b.Queue(r.pruneSQL, from.transaction, from.offset, last.ExtraData["transaction_id"], last.Offset)
	b.Queue("COMMIT")
	br := conn.SendBatch(ctx, b)
	defer func() { err = errors.Join(err, br.Close()) }()
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("pgbus: relay: move the position: %w", err)
	}
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("pgbus: relay: delete the forwarded rows: %w", err)
	}
	if _, err := br.Exec(); err != nil {
		return fmt.Errorf("pgbus: relay: commit the position: %w", err)
	}
	return nil
}

// forward publishes the events of rows to the bus over the relay's lanes
// and returns how many rows, from the first, were all published, with
// the first error. A lane stops at its first failure; the rows after it
// are read again by the next batch, those other lanes published
// included (delivery is at least once).
func (r *Relay) forward(ctx context.Context, rows []wsql.Row) (int, error) {
	type item struct {
		at    int
		topic string
		msg   *message.Message
	}
	lanes := make([][]item, min(r.opts.RelayLanes, len(rows)))
	for i, row := range rows {
		topic, msg, err := unwrapOutboxMessage(row.Msg)
		if err != nil {
			// The same bytes never decode: skip the row rather than stop
			// the whole outbox behind it for good.
			r.log.ErrorContext(ctx, "pgbus: relay: skip an outbox row that is not an event", "offset", row.Offset, "error", err)
			continue
		}
		msg.SetContext(ctx)
		lane := laneOf(msg, len(lanes))
		lanes[lane] = append(lanes[lane], item{at: i, topic: topic, msg: msg})
	}
	failedAt := make([]int, len(lanes))
	errs := make([]error, len(lanes))
	var wg sync.WaitGroup
	pub := r.pub
	for l, items := range lanes {
		failedAt[l] = len(rows)
		if len(items) == 0 {
			continue
		}
		wg.Go(func() {
			for _, it := range items {
				if err := ctx.Err(); err != nil {
					failedAt[l], errs[l] = it.at, err
					return
				}
				if err := pub.Publish(it.topic, it.msg); err != nil {
					failedAt[l], errs[l] = it.at, fmt.Errorf("pgbus: relay: forward %s: %w", it.topic, err)
					return
				}
			}
		})
	}
	wg.Wait()
	n := len(rows)
	for _, at := range failedAt {
		n = min(n, at)
	}
	return n, errors.Join(errs...)
}

// laneOf picks the lane of msg: its aggregate's, so that the events of one
// aggregate go one at a time, in outbox order.
func laneOf(msg *message.Message, lanes int) int {
	if lanes <= 1 {
		return 0
	}
	key := msg.Metadata.Get(eventbus.MetadataAggregateID)
	if key == "" {
		key = msg.UUID
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(lanes))
}
