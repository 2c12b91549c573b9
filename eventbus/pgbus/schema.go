package pgbus

import (
	"fmt"
	"hash/fnv"
	"strconv"

	wsql "github.com/ThreeDotsLabs/watermill-sql/v4/pkg/sql"
)

// maxIdentifier is PostgreSQL's identifier limit; longer names are silently
// truncated, which could make two topics share a table.
const maxIdentifier = 63

// tableName is kind+topic, shortened with a hash of the topic when it would
// not fit in an identifier, so distinct topics always get distinct tables.
func tableName(kind, topic string) string {
	name := kind + topic
	if len(name) > maxIdentifier {
		h := fnv.New64a()
		_, _ = h.Write([]byte(topic))
		suffix := fmt.Sprintf("_%016x", h.Sum64())
		name = name[:maxIdentifier-len(suffix)] + suffix
	}
	return `"` + name + `"`
}

// schemaAdapter is Watermill's default PostgreSQL schema with safe table
// names and a select that stays cheap behind a backlog. batch is how
// many messages a subscriber reads per query.
func schemaAdapter(batch int) postgresSchema {
	return postgresSchema{wsql.DefaultPostgreSQLSchema{
		GenerateMessagesTableName: func(topic string) string { return tableName("watermill_", topic) },
		SubscribeBatchSize:        batch,
	}}
}

// postgresSchema is Watermill's default PostgreSQL schema with its own
// SelectQuery.
type postgresSchema struct {
	wsql.DefaultPostgreSQLSchema
}

// SelectQuery reads the next batch after a consumer group's position,
// locking the position as Watermill's own query does, and returns the
// same columns. Watermill's query asks for "the position's transaction
// after its offset, or any later transaction": PostgreSQL answers that OR
// with a bitmap of every row past the position, sorted to take the
// first batch, so each batch costs as much as the whole backlog (11 ms
// behind 13,500 rows, against 0.2 ms here) and a consumer that falls
// behind falls further. One row comparison in the primary key's order
// is an index range that stops at the batch's end.
func (s postgresSchema) SelectQuery(params wsql.SelectQueryParams) (wsql.Query, error) {
	next, err := params.OffsetsAdapter.NextOffsetQuery(wsql.NextOffsetQueryParams{Topic: params.Topic, ConsumerGroup: params.ConsumerGroup})
	if err != nil {
		return wsql.Query{}, err
	}
	batch := s.SubscribeBatchSize
	if batch <= 0 {
		batch = 100
	}
	// Rows of transactions still running, or of any that began after the
	// oldest running one, wait: one of those could still commit a row
	// below them (Watermill's guard, kept).
	q := `SELECT "offset", transaction_id, uuid, payload, metadata FROM ` + s.MessagesTable(params.Topic) + `
WHERE (transaction_id, "offset") > (SELECT last_processed_transaction_id, offset_acked FROM (` + next.Query + `) AS last_processed)
AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
ORDER BY transaction_id, "offset"
LIMIT ` + strconv.Itoa(batch)
	return wsql.Query{Query: q, Args: next.Args}, nil
}

func offsetsAdapter() wsql.DefaultPostgreSQLOffsetsAdapter {
	return wsql.DefaultPostgreSQLOffsetsAdapter{
		GenerateMessagesOffsetsTableName: func(topic string) string { return tableName("watermill_offsets_", topic) },
	}
}
