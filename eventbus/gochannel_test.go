package eventbus_test

import (
	"testing"

	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/eventbus/eventbustest"
)

func TestGoChannelConformance(t *testing.T) {
	eventbustest.Run(t, eventbustest.Config{
		NewBackend: func(*testing.T) eventbus.Backend { return eventbus.NewGoChannel(nil) },
	})
}
