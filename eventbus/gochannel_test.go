package eventbus_test

import (
	"testing"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

func TestGoChannelConformance(t *testing.T) {
	eventbustest.Run(t, eventbustest.Config{
		NewBackend: func(testing.TB) eventbus.Backend { return eventbus.NewGoChannel(nil) },
	})
}

func BenchmarkGoChannel(b *testing.B) {
	eventbustest.Bench(b, eventbustest.Config{
		NewBackend: func(testing.TB) eventbus.Backend { return eventbus.NewGoChannel(nil) },
	})
}
