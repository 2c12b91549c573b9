package kafkabus_test

import (
	"testing"

	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

// BenchmarkPublishToHandler runs the shared backend benchmark on an
// in-process cluster. Without a network it shows the overhead of Sarama,
// Watermill and the bus, not that of a real cluster.
func BenchmarkPublishToHandler(b *testing.B) {
	eventbustest.Bench(b, config(newCluster(b)))
}
