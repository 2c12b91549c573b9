package pgbus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/mercatohq/mercato/eventbus"
)

// relayBatch reads the next rows of the outbox, forwards them and moves
// the relay's position past the longest run of rows, from the first,
// that were all forwarded. It returns how many rows that was, and how
// many it read.
func (r *Relay) relayBatch(ctx context.Context) (n, read int, err error) {
	tx, err := r.db.BeginTx(ctx, &sql.TxOptions{Isolation: r.schema.SubscribeIsolationLevel()})
	if err != nil {
		return 0, 0, fmt.Errorf("pgbus: relay: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	q, err := r.schema.SelectQuery(wsql.SelectQueryParams{Topic: r.opts.Topic, ConsumerGroup: relayGroup, OffsetsAdapter: r.offsets})
	if err != nil {
		return 0, 0, err
	}
	rows, err := r.readRows(ctx, tx, q)
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	n, ferr := r.forward(ctx, rows)
	if n == 0 {
		return 0, len(rows), ferr
	}
	ack, err := r.offsets.AckMessageQuery(wsql.AckMessageQueryParams{Topic: r.opts.Topic, LastRow: rows[n-1], Rows: rows[:n], ConsumerGroup: relayGroup})
	if err != nil {
		return 0, len(rows), err
	}
	if _, err := tx.ExecContext(ctx, ack.Query, ack.Args...); err != nil {
		return 0, len(rows), errors.Join(ferr, fmt.Errorf("pgbus: relay: move the position: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return 0, len(rows), errors.Join(ferr, fmt.Errorf("pgbus: relay: commit the position: %w", err))
	}
	committed = true
	return n, len(rows), ferr
}

// readRows runs the outbox's select in tx and returns its rows.
func (r *Relay) readRows(ctx context.Context, tx wsql.Tx, q wsql.Query) (out []wsql.Row, err error) {
	rows, err := tx.QueryContext(ctx, q.Query, q.Args...)
	if err != nil {
		return nil, fmt.Errorf("pgbus: relay: read the outbox: %w", err)
	}
	defer func() { err = errors.Join(err, rows.Close()) }()
	for rows.Next() {
		row, err := r.schema.UnmarshalMessage(wsql.UnmarshalMessageParams{Row: rows})
		if err != nil {
			return nil, fmt.Errorf("pgbus: relay: read an outbox row: %w", err)
		}
		out = append(out, row)
	}
	if e, ok := rows.(interface{ Err() error }); ok && e.Err() != nil {
		return nil, fmt.Errorf("pgbus: relay: read the outbox: %w", e.Err())
	}
	return out, nil
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

// outboxEnvelope is how an outbox row carries an event and its
// destination topic: Watermill's forwarder envelope, which the Outbox
// writes.
type outboxEnvelope struct {
	DestinationTopic string            `json:"destination_topic"`
	UUID             string            `json:"uuid"`
	Payload          []byte            `json:"payload"`
	Metadata         map[string]string `json:"metadata"`
}

// unwrapOutboxMessage returns the topic and the message an outbox row's
// message wraps.
func unwrapOutboxMessage(wrapped *message.Message) (string, *message.Message, error) {
	var e outboxEnvelope
	if err := json.Unmarshal(wrapped.Payload, &e); err != nil {
		return "", nil, fmt.Errorf("decode the envelope: %w", err)
	}
	if e.DestinationTopic == "" {
		return "", nil, errors.New("the envelope names no destination topic")
	}
	msg := message.NewMessage(e.UUID, e.Payload)
	msg.Metadata = e.Metadata
	if msg.Metadata == nil {
		msg.Metadata = message.Metadata{}
	}
	return e.DestinationTopic, msg, nil
}
