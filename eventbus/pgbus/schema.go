package pgbus

import (
	"fmt"
	"hash/fnv"

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
// names. batch is how many messages a subscriber reads per query.
func schemaAdapter(batch int) wsql.DefaultPostgreSQLSchema {
	return wsql.DefaultPostgreSQLSchema{
		GenerateMessagesTableName: func(topic string) string { return tableName("watermill_", topic) },
		SubscribeBatchSize:        batch,
	}
}

func offsetsAdapter() wsql.DefaultPostgreSQLOffsetsAdapter {
	return wsql.DefaultPostgreSQLOffsetsAdapter{
		GenerateMessagesOffsetsTableName: func(topic string) string { return tableName("watermill_offsets_", topic) },
	}
}
