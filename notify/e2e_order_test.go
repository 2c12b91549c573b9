package notify_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/adapters/smtp"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/eventbus"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order/ordertest"
)

// e2eWait bounds every wait of the end-to-end test: for the bus to hand
// an event to the notifier and for Mailpit to list a message.
const e2eWait = 10 * time.Second

// TestOrderConfirmedThroughTheBusIntoMailpit is the notifier end to end: a
// real checkout commits order.confirmed onto the in-process bus, the
// notifier's handler finds the customer, renders the confirmation and
// sends it over SMTP into Mailpit, where it arrives with the order number
// and total. The same envelope published again reaches the handler again
// (the bus's deduplicator remembers nothing) and sends nothing: the notify
// store alone keeps the email single.
func TestOrderConfirmedThroughTheBusIntoMailpit(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	smtpAddr, api := testenv.Mailpit(t)
	inbox := mailpit{base: api}

	mail, err := smtp.New(&smtp.Options{Addr: smtpAddr, From: "shop@tea.example", FromName: "Tea Shop"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = mail.Close() })
	customers, err := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	ada, err := customers.Register(ctx, customer.RegisterInput{Email: "ada@example.com", Name: "Ada", Password: "correct horse battery"})
	require.NoError(t, err)
	notes := memory.NewNotifyStore(nil)
	svc, err := notify.NewService(notes, []notify.Channel{mail}, notify.CustomerDirectory(customers),
		&notify.Options{ShopName: "Tea Shop", BaseURL: "https://tea.example", Logger: quiet})
	require.NoError(t, err)

	registry := commerce.NewEventRegistry()
	notify.RegisterEvents(registry)
	bus, err := eventbus.New(eventbus.NewGoChannel(nil), &eventbus.Options{Registry: registry, Logger: quiet, Deduplicator: forgetful{}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = bus.Close(context.Background()) })
	handled := make(chan handling, 16)
	for _, name := range svc.Events() {
		h, _ := svc.Handler(name)
		require.NoError(t, bus.Subscribe("notify", name, func(ctx context.Context, env commerce.Envelope) error {
			err := h(ctx, env)
			handled <- handling{env, err}
			return err
		}))
	}
	require.NoError(t, bus.Start(ctx))

	// The shop's stores commit their events onto the bus, and into the
	// World's recorder, from which the test takes the envelope to
	// publish again.
	w := ordertest.NewWorld(t, func(t testing.TB, rec commerce.EventPublisher) ordertest.Stores {
		return memoryOrderStores(t, tee{rec, bus})
	}, nil)
	w.SetStock(t, "TEA-1", 10)
	w.Prices.Set("TEA-1", 1299)
	o := checkout(t, w, ada.ID, "ada@example.com")
	require.Positive(t, o.Number)
	number, total := strconv.FormatInt(o.Number, 10), o.Totals.Total.String()
	require.Equal(t, "25.98 USD", total)
	confirmed := w.Events.WaitFor(t, e2eWait, "order.confirmed", 1)[0]

	waitHandled(t, handled, confirmed)
	msgs := inbox.waitFor(t, 1)
	require.Len(t, msgs, 1)
	m := inbox.message(t, msgs[0].ID)
	require.Len(t, m.To, 1)
	assert.Equal(t, "ada@example.com", m.To[0].Address)
	assert.Equal(t, "Your Tea Shop order "+number+" is confirmed", m.Subject)
	assert.Contains(t, m.Text, "Hello Ada,")
	assert.Contains(t, m.Text, "order "+number+" is confirmed")
	assert.Contains(t, m.Text, "Total: "+total)
	assert.Contains(t, m.HTML, "<strong>"+number+"</strong>")
	assert.Contains(t, m.HTML, "<strong>"+total+"</strong>")

	// The bus redelivers the event: same envelope, same event ID.
	require.NoError(t, bus.Publish(ctx, confirmed))
	waitHandled(t, handled, confirmed)
	assert.Len(t, inbox.list(t), 1, "the redelivered event sends nothing")

	page, err := notes.ListByOrder(ctx, o.ID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	d := page.Items[0]
	assert.Equal(t, notify.StatusSent, d.Status)
	assert.Equal(t, 1, d.Attempts)
	assert.Equal(t, confirmed.ID, d.EventID)
	assert.Equal(t, ada.ID, d.CustomerID)
}

// tee publishes to every publisher in turn.
type tee []commerce.EventPublisher

func (t tee) Publish(ctx context.Context, events ...commerce.Envelope) error {
	for _, p := range t {
		if err := p.Publish(ctx, events...); err != nil {
			return err
		}
	}
	return nil
}

// handling is one call of the notifier's bus handler.
type handling struct {
	env commerce.Envelope
	err error
}

// waitHandled waits until the handler has handled env once more, and
// fails the test if it returned an error or the wait runs out.
func waitHandled(t *testing.T, handled <-chan handling, env commerce.Envelope) {
	t.Helper()
	deadline := time.NewTimer(e2eWait)
	defer deadline.Stop()
	for {
		select {
		case h := <-handled:
			if h.env.ID != env.ID {
				continue
			}
			require.NoError(t, h.err)
			return
		case <-deadline.C:
			t.Fatalf("event %s %s never reached the notifier", env.Name, env.ID)
		}
	}
}

// mailpit reads what a Mailpit instance received through its HTTP API.
type mailpit struct{ base string }

type mailpitSummary struct {
	ID      string `json:"ID"`
	Subject string `json:"Subject"`
	To      []struct {
		Address string `json:"Address"`
	} `json:"To"`
}

type mailpitMessage struct {
	mailpitSummary
	Text string `json:"Text"`
	HTML string `json:"HTML"`
}

func (m mailpit) get(t testing.TB, path string, into any) {
	t.Helper()
	resp, err := http.Get(m.base + path)
	require.NoError(t, err, "mailpit GET %s", path)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "mailpit GET %s", path)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(into), "mailpit GET %s", path)
}

// list returns the first page of messages, newest first.
func (m mailpit) list(t testing.TB) []mailpitSummary {
	t.Helper()
	var page struct {
		Messages []mailpitSummary `json:"messages"`
	}
	m.get(t, "/api/v1/messages?limit=50", &page)
	return page.Messages
}

func (m mailpit) message(t testing.TB, id string) mailpitMessage {
	t.Helper()
	var msg mailpitMessage
	m.get(t, "/api/v1/message/"+url.PathEscape(id), &msg)
	return msg
}

// waitFor polls until Mailpit lists at least n messages and returns them,
// or fails the test when e2eWait runs out.
func (m mailpit) waitFor(t testing.TB, n int) []mailpitSummary {
	t.Helper()
	deadline := time.NewTimer(e2eWait)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if got := m.list(t); len(got) >= n {
			return got
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("mailpit: waited %v for %d messages, have %d", e2eWait, n, len(m.list(t)))
		}
	}
}
