package notifytest_test

import (
	"testing"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
)

// A store proves itself by running the store suite, which drives a real
// notify.Service over it with scripted channels. A channel runs RunChannel
// against its real peer instead: adapters/smtp's test against Mailpit.
func Example() {
	newStore := func(testing.TB) notify.Store { return memory.NewNotifyStore(nil) }
	_ = func(t *testing.T) { notifytest.RunStore(t, newStore) } // in TestNotifyStore

	// Output:
}
