package eventbustest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mercatohq/mercato/commerce"

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

func ExampleRecorder() {
	rec := eventbustest.NewRecorder()
	env := commerce.NewEnvelope("agg_1", time.Unix(0, 0).UTC(), eventbustest.Tested{Seq: 1})
	if err := rec.Publish(context.Background(), env); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.Names())
	// Output: [eventbustest.tested]
}
