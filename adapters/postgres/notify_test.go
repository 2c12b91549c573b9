package postgres_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

func TestNotifyStore(t *testing.T) {
	notifytest.RunStore(t, newNotifyStore)
}

func BenchmarkNotify(b *testing.B) {
	notifytest.BenchNotify(b, newNotifyStore)
}

func newNotifyStore(t testing.TB) notify.Store {
	store, err := postgres.NewNotifyStore(newPool(t), nil)
	if err != nil {
		t.Fatalf("notify store: %v", err)
	}
	return store
}
