package pgbus

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// TestSelectQueryReadsOneBatchBehindABacklog: behind a backlog, the
// consumers' select walks the primary key from the position and stops
// at the batch's end, rather than collecting every row past the
// position and sorting them (Watermill's own query), which costs a
// consumer that falls behind more with every row it is behind.
func TestSelectQueryReadsOneBatchBehindABacklog(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	bus, log := quietBus(t)
	opts := &OutboxOptions{Options: Options{Logger: log}}
	outbox, err := NewOutbox(ctx, pool, bus, opts)
	require.NoError(t, err)
	relay, err := NewRelay(pool, bus, opts)
	require.NoError(t, err)
	qs, err := relay.offsets.BeforeSubscribingQueries(wsql.BeforeSubscribingQueriesParams{Topic: relay.opts.Topic, ConsumerGroup: relayGroup})
	require.NoError(t, err)
	for _, q := range qs {
		_, err := pool.Exec(ctx, q.Query, q.Args...)
		require.NoError(t, err)
	}
	const backlog = 5000
	for range backlog / 500 {
		var envs []commerce.Envelope
		for i := range 500 {
			envs = append(envs, commerce.NewEnvelope(fmt.Sprintf("agg_%d", i), time.Now(), relayTested{N: i}))
		}
		require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return outbox.Publish(ctx, tx, envs...) }))
	}
	_, err = pool.Exec(ctx, `ANALYZE watermill_mercato_outbox`)
	require.NoError(t, err)

	q, err := relay.schema.SelectQuery(wsql.SelectQueryParams{Topic: relay.opts.Topic, ConsumerGroup: relayGroup, OffsetsAdapter: relay.offsets})
	require.NoError(t, err)
	var plan string
	require.NoError(t, pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "+q.Query, q.Args...)
		if err != nil {
			return err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		plan = strings.Join(lines, "\n")
		return err
	}))
	assert.Contains(t, plan, "Index Scan using", "the batch is an index range:\n%s", plan)
	assert.NotContains(t, plan, "Sort", "the backlog is not collected and sorted:\n%s", plan)
	assert.Contains(t, plan, fmt.Sprintf("rows=%d loops=1", relay.opts.BatchSize), "one batch of rows is read:\n%s", plan)
}
