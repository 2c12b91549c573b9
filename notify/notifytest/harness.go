package notifytest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

// ScriptedChannel is a Channel for tests: each Send returns the next
// error of its script (nil once the script is used up) and records the
// message it was given.
type ScriptedChannel struct {
	name string
	kind notify.Kind

	mu     sync.Mutex
	script []error
	sent   []notify.Message // every Send call, failed ones included
	ok     []notify.Message // the messages Send accepted
}

// NewScriptedChannel returns a channel named name of kind whose Send
// calls fail with script's errors in turn, then succeed.
func NewScriptedChannel(name string, kind notify.Kind, script ...error) *ScriptedChannel {
	return &ScriptedChannel{name: name, kind: kind, script: script}
}

// Name implements notify.Channel.
func (c *ScriptedChannel) Name() string { return c.name }

// Kind implements notify.Channel.
func (c *ScriptedChannel) Kind() notify.Kind { return c.kind }

// Send implements notify.Channel.
func (c *ScriptedChannel) Send(ctx context.Context, m notify.Message) (notify.Receipt, error) {
	if err := ctx.Err(); err != nil {
		return notify.Receipt{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent = append(c.sent, m)
	if len(c.script) > 0 {
		err := c.script[0]
		c.script = c.script[1:]
		if err != nil {
			return notify.Receipt{}, err
		}
	}
	c.ok = append(c.ok, m)
	return notify.Receipt{ProviderRef: "ref-" + m.ID.String()}, nil
}

// Script appends errors to the script.
func (c *ScriptedChannel) Script(errs ...error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.script = append(c.script, errs...)
}

// Calls returns how many times Send was called.
func (c *ScriptedChannel) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent)
}

// Delivered returns the messages Send accepted.
func (c *ScriptedChannel) Delivered() []notify.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]notify.Message(nil), c.ok...)
}

// errTransient is a failure a retry may fix.
var errTransient = errors.New("provider timeout")

// sleeps records the waits a Service asked for through Options.Sleep.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// fixture is one Service over the store under test with an email and an
// SMS channel.
type fixture struct {
	t      *testing.T
	svc    *notify.Service
	store  notify.Store
	email  *ScriptedChannel
	sms    *ScriptedChannel
	clock  *commerce.TestClock
	sleeps *sleeps
}

var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// newFixture builds a fixture; configure may change the options and the
// directory before the Service is built.
func newFixture(t *testing.T, newStore func(t testing.TB) notify.Store, configure func(*notify.Options)) *fixture {
	t.Helper()
	return newFixtureWith(t, newStore, nil, configure)
}

// newFixtureWith is newFixture with a Directory.
func newFixtureWith(t *testing.T, newStore func(t testing.TB) notify.Store, dir notify.Directory, configure func(*notify.Options)) *fixture {
	t.Helper()
	f := &fixture{
		t:      t,
		store:  newStore(t),
		email:  NewScriptedChannel("test-email", notify.Email),
		sms:    NewScriptedChannel("test-sms", notify.SMS),
		clock:  commerce.NewTestClock(start),
		sleeps: &sleeps{},
	}
	opts := &notify.Options{
		Clock:    f.clock,
		ShopName: "Test Shop",
		BaseURL:  "https://shop.example",
		Sleep:    f.sleeps.sleep,
		Logger:   quiet,
	}
	if configure != nil {
		configure(opts)
	}
	svc, err := notify.NewService(f.store, []notify.Channel{f.email, f.sms}, dir, opts)
	require.NoError(t, err)
	f.svc = svc
	return f
}

// customerRecipient is a registered customer opted into both kinds.
func customerRecipient() notify.Recipient {
	return notify.Recipient{
		CustomerID:  commerce.NewID[commerce.CustomerID](),
		Email:       "ada@example.com",
		Phone:       "+41791234567",
		Name:        "Ada",
		Preferences: notify.Preferences{Email: true, SMS: true},
	}
}

// confirmed is an order.confirmed request for r.
func confirmed(r notify.Recipient) notify.Request {
	orderID := commerce.NewID[commerce.OrderID]()
	usd := func(a int64) commerce.Money { return commerce.MustMoney(a, "USD") }
	return notify.Request{
		EventID:   commerce.NewID[commerce.EventID](),
		Event:     "order.confirmed",
		Recipient: r,
		OrderID:   orderID,
		Data: notify.OrderConfirmedData{Order: notify.OrderSummary{
			ID: orderID, Number: "1001",
			Lines:    []notify.OrderLine{{Name: "Tea <Earl Grey>", SKU: "TEA-1", Quantity: 2, UnitPrice: usd(450), Total: usd(900)}},
			Subtotal: usd(900), Shipping: usd(500), Total: usd(1400),
		}},
	}
}
