package notifytest

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
)

var quiet = slog.New(slog.DiscardHandler)

// RunStore runs the conformance suite of a notify.Store. It drives the
// real notify.Service over the store with scripted channels, so it proves
// the guarantees end to end: one send per (event, channel, address) under
// redelivery and concurrency, retries, permanent failures, preferences,
// templates and the delivery log. newStore returns an empty store.
func RunStore(t *testing.T, newStore func(t testing.TB) notify.Store) {
	t.Run("ExactlyOnceUnderRedelivery", func(t *testing.T) { testRedelivery(t, newStore) })
	t.Run("ExactlyOnceUnderConcurrency", func(t *testing.T) { testConcurrency(t, newStore) })
	t.Run("TransientRetryWithBackoff", func(t *testing.T) { testTransientRetry(t, newStore) })
	t.Run("TransientExhaustedThenResumed", func(t *testing.T) { testResume(t, newStore) })
	t.Run("PermanentFailure", func(t *testing.T) { testPermanent(t, newStore) })
	t.Run("StaleClaimTakeover", func(t *testing.T) { testStaleClaim(t, newStore) })
	t.Run("Preferences", func(t *testing.T) { testPreferences(t, newStore) })
	t.Run("Guest", func(t *testing.T) { testGuest(t, newStore) })
	t.Run("TemplateOverrides", func(t *testing.T) { testOverrides(t, newStore) })
	t.Run("BadInput", func(t *testing.T) { testBadInput(t, newStore) })
	t.Run("DeliveryLog", func(t *testing.T) { testDeliveryLog(t, newStore) })
	t.Run("ClaimContract", func(t *testing.T) { testClaimContract(t, newStore) })
	t.Run("Bindings", func(t *testing.T) { testBindings(t, newStore) })
}

func testRedelivery(t *testing.T, newStore func(testing.TB) notify.Store) {
	f := newFixture(t, newStore, nil)
	ctx := context.Background()
	req := confirmed(customerRecipient())

	res, err := f.svc.Notify(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Sent())
	for range 3 {
		res, err = f.svc.Notify(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, 0, res.Sent())
		require.Len(t, res.Deliveries, 2)
		for _, d := range res.Deliveries {
			assert.True(t, d.Skipped)
			assert.Equal(t, notify.StatusSent, d.Delivery.Status)
		}
	}
	require.Len(t, f.email.Delivered(), 1)
	require.Len(t, f.sms.Delivered(), 1)

	mail := f.email.Delivered()[0]
	assert.Equal(t, "ada@example.com", mail.To)
	assert.Equal(t, "Ada", mail.ToName)
	assert.Equal(t, "Your Test Shop order 1001 is confirmed", mail.Subject)
	assert.Contains(t, mail.Text, "Hello Ada,")
	assert.Contains(t, mail.Text, "2 x Tea <Earl Grey> (TEA-1)  9.00 USD")
	assert.Contains(t, mail.Text, "Total: 14.00 USD")
	assert.Contains(t, mail.HTML, "Tea &lt;Earl Grey&gt;", "HTML is escaped")
	assert.Contains(t, mail.HTML, `href="https://shop.example/account/orders"`)
	assert.Equal(t, "order.confirmed", mail.Event)
	sms := f.sms.Delivered()[0]
	assert.Equal(t, "+41791234567", sms.To)
	assert.Equal(t, "Test Shop: order 1001 is confirmed, total 14.00 USD. We will text you when it ships.", sms.Text)

	// A new event about the same order is a new delivery.
	again := req
	again.EventID = commerce.NewID[commerce.EventID]()
	res, err = f.svc.Notify(ctx, again)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Sent())
}

func testConcurrency(t *testing.T, newStore func(testing.TB) notify.Store) {
	f := newFixture(t, newStore, nil)
	ctx := context.Background()
	req := confirmed(customerRecipient())

	const n = 20
	startGun := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			<-startGun
			_, err := f.svc.Notify(ctx, req)
			errs <- err
		})
	}
	close(startGun)
	wg.Wait()
	close(errs)
	for err := range errs {
		// A call that found the delivery in flight asks the bus to come
		// back later; nothing else may fail.
		if err != nil {
			assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err), "%v", err)
		}
	}
	assert.Equal(t, 1, f.email.Calls(), "one email for 20 concurrent calls")
	assert.Equal(t, 1, f.sms.Calls(), "one SMS for 20 concurrent calls")

	res, err := f.svc.Notify(ctx, req)
	require.NoError(t, err, "once the winner is done, a redelivery is acknowledged")
	assert.Equal(t, 0, res.Sent())
	page, err := f.store.ListByOrder(ctx, req.OrderID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	for _, d := range page.Items {
		assert.Equal(t, notify.StatusSent, d.Status)
		assert.Equal(t, 1, d.Attempts)
	}
}

func testTransientRetry(t *testing.T, newStore func(testing.TB) notify.Store) {
	f := newFixture(t, newStore, nil)
	ctx := context.Background()
	f.email.Script(errTransient, errTransient)
	r := customerRecipient()
	r.Preferences.SMS = false
	req := confirmed(r)

	res, err := f.svc.Notify(ctx, req)
	require.NoError(t, err)
	require.Len(t, res.Deliveries, 1)
	d := res.Deliveries[0].Delivery
	assert.Equal(t, notify.StatusSent, d.Status)
	assert.Equal(t, 3, d.Attempts)
	assert.Equal(t, 3, f.email.Calls())
	assert.Len(t, f.email.Delivered(), 1)
	assert.Equal(t, []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}, f.sleeps.all())
	// Every attempt carries the same message ID, so providers can
	// recognise a resend.
	assert.Equal(t, d.ID, f.email.Delivered()[0].ID)

	page, err := f.store.ListByOrder(ctx, req.OrderID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	got := page.Items[0]
	assert.Equal(t, notify.StatusSent, got.Status)
	assert.Equal(t, 3, got.Attempts)
	assert.Equal(t, "ref-"+d.ID.String(), got.ProviderRef)
}

func testResume(t *testing.T, newStore func(testing.TB) notify.Store) {
	f := newFixture(t, newStore, nil)
	ctx := context.Background()
	for range 5 {
		f.sms.Script(errTransient)
	}
	req := confirmed(customerRecipient())

	res, err := f.svc.Notify(ctx, req)
	require.Error(t, err)
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	assert.Equal(t, 1, res.Sent(), "the email went out")
	assert.Equal(t, 5, f.sms.Calls(), "MaxAttempts sends")
	assert.Equal(t, []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond}, f.sleeps.all())
	var smsID commerce.NotificationID
	for _, d := range res.Deliveries {
		if d.Delivery.Kind == notify.SMS {
			smsID = d.Delivery.ID
			assert.Equal(t, notify.StatusFailedTransient, d.Delivery.Status)
			assert.Contains(t, d.Delivery.LastError, "provider timeout")
		}
	}

	// The bus redelivers; the provider has recovered.
	f.clock.Advance(time.Minute)
	res, err = f.svc.Notify(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Sent(), "only the SMS is sent again")
	assert.Len(t, f.email.Delivered(), 1, "no second email")
	require.Len(t, f.sms.Delivered(), 1)
	assert.Equal(t, smsID, f.sms.Delivered()[0].ID, "the resumed delivery keeps its ID")

	page, err := f.store.ListByOrder(ctx, req.OrderID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 2)
	for _, d := range page.Items {
		assert.Equal(t, notify.StatusSent, d.Status)
		if d.Kind == notify.SMS {
			assert.Equal(t, 6, d.Attempts)
			assert.Equal(t, start.Add(time.Minute), d.UpdatedAt)
			assert.Equal(t, start, d.CreatedAt)
		}
	}
	_, err = f.svc.Notify(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 6, f.sms.Calls())
}

func testPermanent(t *testing.T, newStore func(testing.TB) notify.Store) {
	ctx := context.Background()
	t.Run("ChannelRejects", func(t *testing.T) {
		f := newFixture(t, newStore, nil)
		f.email.Script(commerce.Permanent(errors.New("550 mailbox unavailable")))
		r := customerRecipient()
		r.Preferences.SMS = false
		req := confirmed(r)
		res, err := f.svc.Notify(ctx, req)
		require.NoError(t, err, "a permanent failure is not the bus's to retry")
		require.Len(t, res.Deliveries, 1)
		assert.Equal(t, notify.StatusFailedPermanent, res.Deliveries[0].Delivery.Status)
		assert.True(t, commerce.IsPermanent(res.Deliveries[0].Err))
		assert.Equal(t, 1, f.email.Calls())
		assert.Empty(t, f.sleeps.all(), "no retry")

		_, err = f.svc.Notify(ctx, req)
		require.NoError(t, err)
		assert.Equal(t, 1, f.email.Calls(), "not retried on redelivery either")
		page, err := f.store.ListByCustomer(ctx, r.CustomerID, commerce.PageRequest{})
		require.NoError(t, err)
		require.Len(t, page.Items, 1)
		assert.Equal(t, notify.StatusFailedPermanent, page.Items[0].Status)
		assert.Equal(t, 1, page.Items[0].Attempts)
		assert.Contains(t, page.Items[0].LastError, "550")
	})
	t.Run("CodedErrorIsPermanent", func(t *testing.T) {
		f := newFixture(t, newStore, nil)
		f.sms.Script(commerce.Errorf(commerce.CodeInvalidArgument, "number blocked"))
		res, err := f.svc.Notify(ctx, confirmed(customerRecipient()))
		require.NoError(t, err)
		assert.Equal(t, 1, res.Sent())
		assert.Equal(t, 1, f.sms.Calls())
	})
	t.Run("BadAddress", func(t *testing.T) {
		f := newFixture(t, newStore, nil)
		r := customerRecipient()
		r.Email, r.Phone = "not an address", "0791234567"
		res, err := f.svc.Notify(ctx, confirmed(r))
		require.NoError(t, err)
		require.Len(t, res.Deliveries, 2)
		for _, d := range res.Deliveries {
			assert.Equal(t, notify.StatusFailedPermanent, d.Delivery.Status)
			assert.Equal(t, 0, d.Delivery.Attempts)
		}
		assert.Zero(t, f.email.Calls()+f.sms.Calls(), "nothing reaches a provider")
	})
}

func testStaleClaim(t *testing.T, newStore func(testing.TB) notify.Store) {
	f := newFixture(t, newStore, nil)
	ctx := context.Background()
	r := customerRecipient()
	r.Preferences.SMS = false
	req := confirmed(r)

	// A sender claimed the delivery and crashed before recording.
	crashed := notify.Delivery{
		ID: commerce.NewID[commerce.NotificationID](), EventID: req.EventID, Event: req.Event,
		Channel: f.email.Name(), Kind: notify.Email, To: r.Email, CustomerID: r.CustomerID, OrderID: req.OrderID,
		Status: notify.StatusPending, LeaseUntil: start.Add(time.Minute), CreatedAt: start, UpdatedAt: start,
	}
	_, proceed, err := f.store.Claim(ctx, crashed.Key(), crashed)
	require.NoError(t, err)
	require.True(t, proceed)

	res, err := f.svc.Notify(ctx, req)
	require.Error(t, err, "under a live lease the delivery is someone else's")
	assert.Equal(t, commerce.CodeUnavailable, commerce.Code(err))
	assert.Equal(t, 0, res.Sent())
	assert.Zero(t, f.email.Calls())

	f.clock.Advance(time.Minute)
	res, err = f.svc.Notify(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Sent(), "the stale claim is taken over")
	require.Len(t, f.email.Delivered(), 1)
	assert.Equal(t, crashed.ID, f.email.Delivered()[0].ID)
}

func testPreferences(t *testing.T, newStore func(testing.TB) notify.Store) {
	ctx := context.Background()
	cases := []struct {
		name       string
		prefs      notify.Preferences
		phone      string
		email, sms int
	}{
		{"EmailOnly", notify.Preferences{Email: true}, "+41791234567", 1, 0},
		{"SMSOnly", notify.Preferences{SMS: true}, "+41791234567", 0, 1},
		{"Both", notify.Preferences{Email: true, SMS: true}, "+41791234567", 1, 1},
		{"None", notify.Preferences{}, "+41791234567", 0, 0},
		{"SMSWithoutPhone", notify.Preferences{Email: true, SMS: true}, "", 1, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, newStore, nil)
			r := customerRecipient()
			r.Preferences, r.Phone = tc.prefs, tc.phone
			res, err := f.svc.Notify(ctx, confirmed(r))
			require.NoError(t, err)
			assert.Len(t, res.Deliveries, tc.email+tc.sms)
			assert.Equal(t, tc.email, f.email.Calls())
			assert.Equal(t, tc.sms, f.sms.Calls())
			page, err := f.store.ListByCustomer(ctx, r.CustomerID, commerce.PageRequest{})
			require.NoError(t, err)
			assert.Len(t, page.Items, tc.email+tc.sms, "opted-out kinds leave no record")
		})
	}
}

func testGuest(t *testing.T, newStore func(testing.TB) notify.Store) {
	f := newFixture(t, newStore, nil)
	ctx := context.Background()
	r := notify.GuestRecipient("Guest@Example.com", "")
	r.Phone = "+41791234567" // a guest never opted into SMS
	req := confirmed(r)
	res, err := f.svc.Notify(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Sent())
	require.Len(t, f.email.Delivered(), 1)
	assert.Zero(t, f.sms.Calls())
	mail := f.email.Delivered()[0]
	assert.Equal(t, "guest@example.com", mail.To, "addresses are compared lower-case")
	assert.True(t, strings.HasPrefix(mail.Text, "Hello,\n"), "no name, no dangling greeting: %q", mail.Text)

	page, err := f.store.ListByOrder(ctx, req.OrderID, commerce.PageRequest{})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	assert.True(t, page.Items[0].CustomerID.IsZero())
	assert.Equal(t, req.EventID, page.Items[0].EventID)
	assert.Equal(t, "order.confirmed", page.Items[0].Event)
	assert.Equal(t, f.email.Name(), page.Items[0].Channel)
	assert.Equal(t, notify.Email, page.Items[0].Kind)

	// The same guest in another case is the same address: deduplicated.
	req.Recipient.Email = "GUEST@example.com"
	_, err = f.svc.Notify(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 1, f.email.Calls())
}

func testOverrides(t *testing.T, newStore func(testing.TB) notify.Store) {
	ctx := context.Background()
	overrides := fstest.MapFS{
		"order.confirmed/de/subject.txt":    {Data: []byte("Bestellung {{.Data.Order.Ref}} bestätigt")},
		"order.confirmed/de/sms.txt":        {Data: []byte("{{.Shop.Name}}: Bestellung {{.Data.Order.Ref}} bestätigt.")},
		"order.confirmed/de-ch/subject.txt": {Data: []byte("Bestellig {{.Data.Order.Ref}} bestätigt")},
		"order.confirmed/en/email.txt":      {Data: []byte("Custom body for {{.Data.Order.Ref}}")},
		"order.confirmed/.DS_Store":         {Data: []byte("ignored")},
		"gift.sent/en/subject.txt":          {Data: []byte("A gift from {{.Data}}")},
		"gift.sent/en/email.txt":            {Data: []byte("{{.Data}} sent you a gift.")},
	}
	f := newFixture(t, newStore, func(o *notify.Options) { o.Templates = overrides })
	send := func(locale string) (notify.Message, notify.Message) {
		t.Helper()
		r := customerRecipient()
		r.Locale = locale
		_, err := f.svc.Notify(ctx, confirmed(r))
		require.NoError(t, err)
		mails, texts := f.email.Delivered(), f.sms.Delivered()
		return mails[len(mails)-1], texts[len(texts)-1]
	}

	mail, sms := send("de-CH")
	assert.Equal(t, "Bestellig 1001 bestätigt", mail.Subject, "exact locale first")
	assert.Equal(t, "Custom body for 1001\n", mail.Text, "file by file: the body falls back to en, overridden")
	assert.Contains(t, mail.HTML, "order <strong>1001</strong> is confirmed", "the default HTML stays")
	assert.Equal(t, "Test Shop: Bestellung 1001 bestätigt.", sms.Text, "language next")

	mail, _ = send("de_AT")
	assert.Equal(t, "Bestellung 1001 bestätigt", mail.Subject, "de-AT falls back to de")

	mail, sms = send("fr-FR")
	assert.Equal(t, "Your Test Shop order 1001 is confirmed", mail.Subject, "then en")
	assert.Contains(t, sms.Text, "We will text you")

	mail, _ = send("")
	assert.Equal(t, "Your Test Shop order 1001 is confirmed", mail.Subject)

	// An event with only override templates can be notified too.
	r := customerRecipient()
	res, err := f.svc.Notify(ctx, notify.Request{EventID: commerce.NewID[commerce.EventID](), Event: "gift.sent", Recipient: r, Data: "Grace"})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Sent(), "no SMS template, no SMS")
	mails := f.email.Delivered()
	assert.Equal(t, "A gift from Grace", mails[len(mails)-1].Subject)
	assert.Empty(t, mails[len(mails)-1].HTML, "no HTML template, text-only mail")
}

func testBadInput(t *testing.T, newStore func(testing.TB) notify.Store) {
	ctx := context.Background()
	store := newStore(t)
	ch := []notify.Channel{NewScriptedChannel("x", notify.Email)}
	build := func(opts *notify.Options) error {
		opts.Logger = quiet
		_, err := notify.NewService(store, ch, nil, opts)
		return err
	}
	for name, fsys := range map[string]fstest.MapFS{
		"BrokenText":   {"order.shipped/en/subject.txt": {Data: []byte("{{.Data.Order.Ref")}},
		"BrokenHTML":   {"order.shipped/fr/email.html": {Data: []byte("<p>{{if}}</p>")}},
		"UnknownFile":  {"order.shipped/en/body.txt": {Data: []byte("x")}},
		"BadLocale":    {"order.shipped/English/subject.txt": {Data: []byte("x")}},
		"BadEvent":     {"Order Shipped/en/subject.txt": {Data: []byte("x")}},
		"TooShallow":   {"order.shipped/subject.txt": {Data: []byte("x")}},
		"TooDeep":      {"order.shipped/en/x/subject.txt": {Data: []byte("x")}},
		"NoFuncExists": {"order.shipped/en/sms.txt": {Data: []byte("{{money .Data}}")}},
	} {
		t.Run(name, func(t *testing.T) {
			err := build(&notify.Options{Templates: fsys})
			require.Error(t, err)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
			for p := range fsys {
				assert.Contains(t, err.Error(), p, "the error names the file")
			}
		})
	}
	t.Run("Options", func(t *testing.T) {
		for _, o := range []notify.Options{
			{BaseURL: "shop.example"},
			{Retry: notify.Retry{MaxAttempts: -1}},
			{Retry: notify.Retry{Multiplier: 0.5}},
			{Lease: time.Second},
			{Bindings: map[string]notify.Binding{"gift.sent": func(context.Context, notify.Directory, commerce.Envelope) (notify.Request, error) {
				return notify.Request{}, nil
			}}},
		} {
			err := build(&o)
			require.Error(t, err)
			assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "%v", err)
		}
		_, err := notify.NewService(nil, ch, nil, nil)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
		_, err = notify.NewService(store, nil, nil, nil)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
		_, err = notify.NewService(store, []notify.Channel{ch[0], ch[0]}, nil, nil)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "channel names are unique")
	})
	t.Run("Requests", func(t *testing.T) {
		f := newFixture(t, newStore, func(o *notify.Options) {
			o.Templates = fstest.MapFS{
				"gift.sent/en/subject.txt": {Data: []byte("{{.Data.Nope}}")},
				"gift.sent/en/email.txt":   {Data: []byte("x")},
			}
		})
		r := customerRecipient()
		req := confirmed(r)
		req.Event = "order.teleported"
		_, err := f.svc.Notify(ctx, req)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "no templates")
		req = confirmed(r)
		req.EventID = ""
		_, err = f.svc.Notify(ctx, req)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err), "no event ID")
		req = confirmed(r)
		req.OrderID = "ord_nope"
		_, err = f.svc.Notify(ctx, req)
		assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))

		gift := notify.Request{EventID: commerce.NewID[commerce.EventID](), Event: "gift.sent", Recipient: r, OrderID: commerce.NewID[commerce.OrderID](), Data: "Grace"}
		_, err = f.svc.Notify(ctx, gift)
		require.Error(t, err)
		assert.Equal(t, commerce.CodeInternal, commerce.Code(err), "a template that fails to execute")
		req = confirmed(r)
		req.Data = notify.PaymentFailedData{}
		_, err = f.svc.Notify(ctx, req)
		assert.Equal(t, commerce.CodeInternal, commerce.Code(err), "data of the wrong event")
		assert.Zero(t, f.email.Calls()+f.sms.Calls())
		page, err := f.store.ListByOrder(ctx, gift.OrderID, commerce.PageRequest{})
		require.NoError(t, err)
		assert.Empty(t, page.Items, "a render failure claims nothing")
	})
}

func testDeliveryLog(t *testing.T, newStore func(testing.TB) notify.Store) {
	f := newFixture(t, newStore, nil)
	ctx := context.Background()
	r := customerRecipient()
	other := customerRecipient()
	base := confirmed(r)
	orderID := base.OrderID
	var want []commerce.EventID
	for i := range 5 {
		req := confirmed(r)
		req.OrderID = orderID
		_, err := f.svc.Notify(ctx, req)
		require.NoError(t, err)
		want = append(want, req.EventID, req.EventID) // email then SMS
		if i%2 == 0 {
			f.clock.Advance(time.Second)
		}
		_, err = f.svc.Notify(ctx, confirmed(other))
		require.NoError(t, err)
	}

	collect := func(list func(commerce.PageRequest) (commerce.Page[notify.Delivery], error)) ([]notify.Delivery, int) {
		t.Helper()
		var all []notify.Delivery
		pages := 0
		page := commerce.PageRequest{Limit: 3}
		for {
			p, err := list(page)
			require.NoError(t, err)
			pages++
			all = append(all, p.Items...)
			if !p.HasMore() {
				return all, pages
			}
			require.Less(t, pages, 20, "paging terminates")
			page.Cursor = p.NextCursor
		}
	}
	byOrder, pages := collect(func(p commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
		return f.store.ListByOrder(ctx, orderID, p)
	})
	require.Len(t, byOrder, 10)
	assert.GreaterOrEqual(t, pages, 4)
	for i, d := range byOrder {
		assert.Equal(t, orderID, d.OrderID)
		assert.Equal(t, r.CustomerID, d.CustomerID)
		assert.Equal(t, notify.StatusSent, d.Status)
		if i > 0 {
			prev := byOrder[i-1]
			assert.True(t, prev.CreatedAt.Before(d.CreatedAt) || (prev.CreatedAt.Equal(d.CreatedAt) && prev.ID < d.ID), "oldest first")
		}
	}
	got := map[commerce.EventID]int{}
	for _, d := range byOrder {
		got[d.EventID]++
	}
	for _, id := range want {
		assert.Equal(t, 2, got[id])
	}

	byCustomer, _ := collect(func(p commerce.PageRequest) (commerce.Page[notify.Delivery], error) {
		return f.store.ListByCustomer(ctx, other.CustomerID, p)
	})
	require.Len(t, byCustomer, 10)
	for _, d := range byCustomer {
		assert.Equal(t, other.CustomerID, d.CustomerID)
		assert.NotEqual(t, orderID, d.OrderID)
	}

	empty, err := f.store.ListByOrder(ctx, commerce.NewID[commerce.OrderID](), commerce.PageRequest{})
	require.NoError(t, err)
	assert.NotNil(t, empty.Items)
	assert.Empty(t, empty.Items)
	assert.False(t, empty.HasMore())
	_, err = f.store.ListByCustomer(ctx, r.CustomerID, commerce.PageRequest{Limit: -1})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
	_, err = f.store.ListByCustomer(ctx, r.CustomerID, commerce.PageRequest{Cursor: "!!"})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))
}

func testClaimContract(t *testing.T, newStore func(testing.TB) notify.Store) {
	ctx := context.Background()
	store := newStore(t)
	d := notify.Delivery{
		ID: commerce.NewID[commerce.NotificationID](), EventID: commerce.NewID[commerce.EventID](), Event: "order.shipped",
		Channel: "smtp", Kind: notify.Email, To: "a@example.com", Status: notify.StatusPending,
		LeaseUntil: start.Add(time.Minute), CreatedAt: start, UpdatedAt: start,
	}
	got, proceed, err := store.Claim(ctx, d.Key(), d)
	require.NoError(t, err)
	require.True(t, proceed)
	assert.Equal(t, d.ID, got.ID)

	// Another claimant before the lease ends gets the record, not the job.
	later := d
	later.ID = commerce.NewID[commerce.NotificationID]()
	later.UpdatedAt, later.LeaseUntil = start.Add(30*time.Second), start.Add(90*time.Second)
	got, proceed, err = store.Claim(ctx, later.Key(), later)
	require.NoError(t, err)
	assert.False(t, proceed)
	assert.Equal(t, d.ID, got.ID)
	assert.Equal(t, notify.StatusPending, got.Status)

	require.NoError(t, store.Record(ctx, d.ID, notify.Outcome{Status: notify.StatusSent, Attempts: 1, ProviderRef: "p1", At: start.Add(time.Second)}))
	// A stale sender's failure cannot undo the success.
	require.NoError(t, store.Record(ctx, d.ID, notify.Outcome{Status: notify.StatusFailedTransient, Attempts: 2, LastError: "late", At: start.Add(2 * time.Second)}))
	later.UpdatedAt, later.LeaseUntil = start.Add(time.Hour), start.Add(time.Hour+time.Minute)
	got, proceed, err = store.Claim(ctx, later.Key(), later)
	require.NoError(t, err)
	assert.False(t, proceed, "a sent delivery never proceeds")
	assert.Equal(t, notify.StatusSent, got.Status)
	assert.Equal(t, 1, got.Attempts)
	assert.Equal(t, "p1", got.ProviderRef)
	assert.Empty(t, got.LastError)

	err = store.Record(ctx, commerce.NewID[commerce.NotificationID](), notify.Outcome{Status: notify.StatusSent, At: start})
	assert.Equal(t, commerce.CodeNotFound, commerce.Code(err))

	// Concurrent takeovers of one stale claim: exactly one proceeds.
	stale := d
	stale.ID, stale.EventID = commerce.NewID[commerce.NotificationID](), commerce.NewID[commerce.EventID]()
	_, proceed, err = store.Claim(ctx, stale.Key(), stale)
	require.NoError(t, err)
	require.True(t, proceed)
	const n = 10
	startGun := make(chan struct{})
	type claimResult struct {
		proceed bool
		id      commerce.NotificationID
		err     error
	}
	results := make(chan claimResult, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			c := stale
			c.ID = commerce.NewID[commerce.NotificationID]()
			c.UpdatedAt, c.LeaseUntil = start.Add(2*time.Minute), start.Add(3*time.Minute)
			<-startGun
			got, ok, err := store.Claim(ctx, c.Key(), c)
			results <- claimResult{ok, got.ID, err}
		})
	}
	close(startGun)
	wg.Wait()
	close(results)
	winners := 0
	for r := range results {
		require.NoError(t, r.err)
		assert.Equal(t, stale.ID, r.id, "a takeover keeps the delivery's ID")
		if r.proceed {
			winners++
		}
	}
	assert.Equal(t, 1, winners)
}
