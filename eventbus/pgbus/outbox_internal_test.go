package pgbus

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
)

// writtenBy is the key of the context value TestWritingEncodedLeavesItAsItIs
// writes with.
type writtenBy struct{}

// TestWritingEncodedLeavesItAsItIs: writing an Encoded does not change
// its messages, so the same one may be written again, even from two
// transactions at once.
func TestWritingEncodedLeavesItAsItIs(t *testing.T) {
	pool := testenv.Postgres(t)
	ctx := context.Background()
	bus, log := quietBus(t)
	outbox, err := NewOutbox(ctx, pool, bus, &OutboxOptions{Options: Options{Logger: log}})
	require.NoError(t, err)
	encoded, err := outbox.Encode(commerce.NewEnvelope("agg_1", time.Now(), relayTested{N: 1}))
	require.NoError(t, err)

	writeCtx := context.WithValue(ctx, writtenBy{}, "the first transaction")
	require.NoError(t, pgx.BeginFunc(writeCtx, pool, func(tx pgx.Tx) error {
		return outbox.PublishEncodedQuiet(writeCtx, tx, encoded)
	}))
	assert.Nil(t, encoded.msgs[0].Context().Value(writtenBy{}), "the message does not keep the writer's context")
	var rows int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM watermill_mercato_outbox`).Scan(&rows))
	assert.Equal(t, 1, rows)
}
