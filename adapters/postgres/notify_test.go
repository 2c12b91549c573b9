package postgres_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

func TestNotifyStore(t *testing.T) {
	notifytest.RunStore(t, func(t testing.TB) notify.Store {
		return postgres.NewNotifyStore(newPool(t), nil)
	})
}

func BenchmarkNotify(b *testing.B) {
	notifytest.BenchNotify(b, func(t testing.TB) notify.Store { return postgres.NewNotifyStore(newPool(t), nil) })
}
