package notifytest

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/payment"
)

// FakeDirectory is a notify.Directory over maps, for tests. A missing
// entry is NotFound; with NoOrders set, OrderRecipient reports that there
// is no order directory.
type FakeDirectory struct {
	mu        sync.Mutex
	Customers map[commerce.CustomerID]notify.Recipient
	Orders    map[commerce.OrderID]notify.Recipient
	NoOrders  bool
}

// CustomerRecipient implements notify.Directory.
func (d *FakeDirectory) CustomerRecipient(_ context.Context, id commerce.CustomerID) (notify.Recipient, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.Customers[id]
	if !ok {
		return notify.Recipient{}, commerce.Errorf(commerce.CodeNotFound, "customer %s not found", id)
	}
	return r, nil
}

// OrderRecipient implements notify.Directory.
func (d *FakeDirectory) OrderRecipient(_ context.Context, id commerce.OrderID) (notify.Recipient, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.NoOrders {
		return notify.Recipient{}, commerce.Errorf(commerce.CodeFailedPrecondition, "%w", notify.ErrNoOrderDirectory)
	}
	r, ok := d.Orders[id]
	if !ok {
		return notify.Recipient{}, commerce.Errorf(commerce.CodeNotFound, "order %s not found", id)
	}
	return r, nil
}

func testBindings(t *testing.T, newStore func(testing.TB) notify.Store) {
	ctx := context.Background()
	ada := customerRecipient()
	ada.Preferences = notify.Preferences{SMS: true} // no marketing mail
	guest := notify.GuestRecipient("guest@example.com", "Grace")
	orderID, guestOrder := commerce.NewID[commerce.OrderID](), commerce.NewID[commerce.OrderID]()
	dir := &FakeDirectory{
		Customers: map[commerce.CustomerID]notify.Recipient{ada.CustomerID: ada},
		Orders:    map[commerce.OrderID]notify.Recipient{orderID: ada, guestOrder: guest},
	}
	f := newFixtureWith(t, newStore, dir, nil)
	handler := func(name string) func(context.Context, commerce.Envelope) error {
		t.Helper()
		h, ok := f.svc.Handler(name)
		require.True(t, ok, name)
		return h
	}

	t.Run("Events", func(t *testing.T) {
		assert.Equal(t, []string{
			"customer.password_reset_requested", "customer.registered",
			"order.cancelled", "order.confirmed", "order.delivered", "order.refunded", "order.shipped",
			"payment.failed",
		}, f.svc.Events())
		_, ok := f.svc.Handler("customer.updated")
		assert.False(t, ok)
		r := commerce.NewEventRegistry()
		notify.RegisterEvents(r)
		for _, name := range f.svc.Events() {
			assert.True(t, r.Registered(name), name)
		}
	})

	t.Run("PasswordReset", func(t *testing.T) {
		expires := start.Add(time.Hour)
		env := commerce.NewEnvelope(ada.CustomerID.String(), start, customer.PasswordResetRequested{
			CustomerID: ada.CustomerID, Email: ada.Email, Name: "Ada", Token: "tok+en/1=", ExpiresAt: expires,
		})
		h := handler(env.Name)
		require.NoError(t, h(ctx, env))
		require.NoError(t, h(ctx, env), "redelivered")
		mails := f.email.Delivered()
		require.Len(t, mails, 1, "one email although opted out of mail: it was asked for")
		assert.Zero(t, f.sms.Calls(), "never by SMS")
		m := mails[0]
		assert.Equal(t, "Reset your Test Shop password", m.Subject)
		link := "https://shop.example/account/reset-password?token=" + url.QueryEscape("tok+en/1=")
		assert.Contains(t, m.Text, link)
		assert.Contains(t, m.Text, "2 January 2030 04:04 UTC")
		assert.Contains(t, m.HTML, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`)
		page, err := f.store.ListByCustomer(ctx, ada.CustomerID, commerce.PageRequest{})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		assert.Equal(t, env.ID, page.Items[0].EventID)
	})

	t.Run("RegisteredFallsBackToEventAddress", func(t *testing.T) {
		id := commerce.NewID[commerce.CustomerID]() // not in the directory
		env := commerce.NewEnvelope(id.String(), start, customer.Registered{CustomerID: id, Email: "new@example.com", Name: "Neo"})
		require.NoError(t, handler(env.Name)(ctx, env))
		mails := f.email.Delivered()
		m := mails[len(mails)-1]
		assert.Equal(t, "new@example.com", m.To)
		assert.Equal(t, "Welcome to Test Shop", m.Subject)
		assert.Contains(t, m.Text, "Hello Neo,")
		assert.Contains(t, m.Text, "https://shop.example/account")
	})

	t.Run("RegisteredHonoursPreferences", func(t *testing.T) {
		before := f.email.Calls()
		env := commerce.NewEnvelope(ada.CustomerID.String(), start, customer.Registered{CustomerID: ada.CustomerID, Email: ada.Email})
		require.NoError(t, handler(env.Name)(ctx, env))
		assert.Equal(t, before, f.email.Calls(), "Ada opted out of mail; registration has no SMS template")
		assert.Zero(t, f.sms.Calls())
	})

	t.Run("PaymentFailed", func(t *testing.T) {
		amount := commerce.MustMoney(2599, "EUR")
		env := commerce.NewEnvelope(commerce.NewID[commerce.PaymentID]().String(), start, payment.Failed{
			PaymentID: commerce.NewID[commerce.PaymentID](), OrderID: guestOrder, Amount: amount,
			Stage: "capture", FailureCode: "card_declined", FailureMessage: "Your card was declined.", Final: true,
		})
		h := handler(env.Name)
		before := f.email.Calls()
		require.NoError(t, h(ctx, env))
		require.NoError(t, h(ctx, env), "redelivered")
		assert.Equal(t, before+1, f.email.Calls())
		mails := f.email.Delivered()
		m := mails[len(mails)-1]
		assert.Equal(t, "guest@example.com", m.To)
		assert.Contains(t, m.Subject, "Action needed")
		assert.Contains(t, m.Text, "25.99 EUR")
		assert.Contains(t, m.Text, "Your card was declined.")
		page, err := f.store.ListByOrder(ctx, guestOrder, commerce.PageRequest{})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		assert.True(t, page.Items[0].CustomerID.IsZero())

		// To a customer who opted into SMS only.
		env = commerce.NewEnvelope("pay", start, payment.Failed{OrderID: orderID, PaymentID: commerce.NewID[commerce.PaymentID](), Amount: amount, Final: true})
		require.NoError(t, h(ctx, env))
		texts := f.sms.Delivered()
		require.Len(t, texts, 1)
		assert.Equal(t, "Test Shop: the payment of 25.99 EUR for order "+orderID.String()+" failed. Please update your payment method.", texts[0].Text)
	})

	t.Run("PaymentFailedSkipped", func(t *testing.T) {
		calls := f.email.Calls() + f.sms.Calls()
		h := handler("payment.failed")
		retried := commerce.NewEnvelope("pay", start, payment.Failed{OrderID: orderID, Amount: commerce.MustMoney(1, "EUR"), Final: false})
		require.NoError(t, h(ctx, retried), "the shop retries; nothing to tell yet")
		unknown := commerce.NewEnvelope("pay", start, payment.Failed{OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(1, "EUR"), Final: true})
		require.NoError(t, h(ctx, unknown), "no such order")
		dir.mu.Lock()
		dir.NoOrders = true
		dir.mu.Unlock()
		final := commerce.NewEnvelope("pay", start, payment.Failed{OrderID: orderID, Amount: commerce.MustMoney(1, "EUR"), Final: true})
		require.NoError(t, h(ctx, final), "no order directory yet")
		assert.Equal(t, calls, f.email.Calls()+f.sms.Calls())

		noDir := newFixture(t, newStore, nil)
		hh, ok := noDir.svc.Handler("payment.failed")
		require.True(t, ok)
		require.NoError(t, hh(ctx, final), "no directory at all")
		assert.Zero(t, noDir.email.Calls()+noDir.sms.Calls())
	})
}
