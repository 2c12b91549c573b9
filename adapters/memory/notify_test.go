package memory_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

func TestNotifyStore(t *testing.T) {
	notifytest.RunStore(t, func(testing.TB) notify.Store { return memory.NewNotifyStore(nil) })
}

func BenchmarkNotify(b *testing.B) {
	notifytest.BenchNotify(b, func(testing.TB) notify.Store { return memory.NewNotifyStore(nil) })
}
