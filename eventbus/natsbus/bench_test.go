package natsbus_test

import (
	"testing"

	"github.com/mercatohq/mercato/eventbus/eventbustest"
	"github.com/mercatohq/mercato/internal/testenv"
)

// BenchmarkPublishToHandler runs the shared backend benchmark against the
// NATS server. Publish waits for JetStream to store each event, so one
// publisher is bound by that round trip.
func BenchmarkPublishToHandler(b *testing.B) {
	eventbustest.Bench(b, config(testenv.NATS(b)))
}
