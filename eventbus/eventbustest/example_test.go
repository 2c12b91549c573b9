package eventbustest_test

import (
	"testing"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

// A backend proves itself by running the suite, and measures itself with
// the same configuration.
func Example() {
	config := eventbustest.Config{
		NewBackend: func(testing.TB) eventbus.Backend { return eventbus.NewGoChannel(nil) },
		Ordered:    false, // GoChannel hands events to handlers concurrently
		Durable:    false, // and keeps nothing for groups that are not subscribed
	}
	_ = func(t *testing.T) { eventbustest.Run(t, config) }   // in TestConformance
	_ = func(b *testing.B) { eventbustest.Bench(b, config) } // in BenchmarkBackend
}
