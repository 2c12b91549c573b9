package notify_test

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/customer"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/notify/notifytest"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
)

func usd(cents int64) commerce.Money { return commerce.MustMoney(cents, "USD") }

var (
	placed    = time.Date(2030, 1, 2, 9, 30, 0, 0, time.UTC)
	delivered = time.Date(2030, 1, 5, 14, 0, 0, 0, time.UTC)
)

// anOrder is a confirmed order number 1042 for 27.50 USD placed with
// email by customer (zero for a guest).
func anOrder(customer commerce.CustomerID, email string) order.Order {
	addr := commerce.Address{Name: "Grace Hopper", Line1: "12 St James's Square", City: "London", PostalCode: "SW1Y 4JH", Country: "GB", Phone: "+447700900999"}
	return order.Order{
		ID: commerce.NewID[commerce.OrderID](), Number: 1042, CustomerID: customer, Email: email, Currency: "USD",
		Lines: []order.Line{
			{SKU: "TEA-1", Title: "Earl Grey 100 g", Quantity: 2, UnitPrice: usd(1000), Total: usd(2000)},
		},
		Totals:          order.Totals{Subtotal: usd(2000), Shipping: usd(450), Tax: usd(300), Total: usd(2750)},
		ShippingAddress: addr, BillingAddress: addr,
		Status:    order.StatusConfirmed,
		History:   []order.Transition{{To: order.StatusPending, Actor: order.ActorSystem, At: placed}},
		CreatedAt: placed, UpdatedAt: placed,
	}
}

// advanced returns o moved to status at at, as the order service leaves
// it in the event of the move.
func advanced(o order.Order, status order.Status, at time.Time) order.Order {
	o.History = append(o.History, order.Transition{From: o.Status, To: status, Actor: order.ActorAdmin, At: at})
	o.Status, o.UpdatedAt = status, at
	return o
}

// TestOrderBindings runs each order event through the Service's bus
// handler, twice (a redelivery), and checks who got which message with
// which content, and the delivery log of the order.
func TestOrderBindings(t *testing.T) {
	ctx := context.Background()
	// Ada opted into email and SMS; Bob into email only; Carol into SMS
	// only. Dan's account is gone from the directory.
	ada := notify.Recipient{CustomerID: commerce.NewID[commerce.CustomerID](), Email: "ada@account.example", Phone: "+41791234567", Name: "Ada", Preferences: notify.Preferences{Email: true, SMS: true}}
	bob := notify.Recipient{CustomerID: commerce.NewID[commerce.CustomerID](), Email: "bob@account.example", Phone: "+41791234568", Name: "Bob", Preferences: notify.Preferences{Email: true}}
	carol := notify.Recipient{CustomerID: commerce.NewID[commerce.CustomerID](), Email: "carol@account.example", Phone: "+41791234569", Name: "Carol", Preferences: notify.Preferences{SMS: true}}
	dan := commerce.NewID[commerce.CustomerID]()
	dir := &notifytest.FakeDirectory{Customers: map[commerce.CustomerID]notify.Recipient{
		ada.CustomerID: ada, bob.CustomerID: bob, carol.CustomerID: carol,
	}}
	shipment := &order.Shipment{Carrier: "DHL", TrackingNumber: "JD0123", TrackingURL: "https://track.example/JD0123"}

	for _, c := range []struct {
		name  string
		event commerce.Event
		// The expected messages: the address each kind goes to ("" for
		// none), text each contains, and the subject of the email.
		emailTo, smsTo string
		subject        string
		emailHas       []string
		smsText        string
		// customer is the delivery log's customer.
		customer commerce.CustomerID
	}{{
		name:    "confirmed/customer by email and SMS, at the order's address",
		event:   order.Confirmed{Change: order.Change{Order: anOrder(ada.CustomerID, "ada@orders.example"), From: order.StatusPaymentPending}},
		emailTo: "ada@orders.example", smsTo: ada.Phone,
		subject: "Your Test Shop order 1042 is confirmed",
		emailHas: []string{
			"Hello Ada,", "order 1042 is confirmed", "2 x Earl Grey 100 g (TEA-1)  20.00 USD",
			"Subtotal: 20.00 USD", "Shipping: 4.50 USD", "Tax: 3.00 USD", "Total: 27.50 USD",
			"12 St James's Square", "SW1Y 4JH London",
		},
		smsText:  "Test Shop: order 1042 is confirmed, total 27.50 USD. We will text you when it ships.",
		customer: ada.CustomerID,
	}, {
		name:    "confirmed/guest by email only",
		event:   order.Confirmed{Change: order.Change{Order: anOrder("", "grace@example.com")}},
		emailTo: "grace@example.com",
		subject: "Your Test Shop order 1042 is confirmed",
		emailHas: []string{
			"Hello Grace Hopper,", "order 1042 is confirmed", "Total: 27.50 USD",
		},
	}, {
		name:     "confirmed/customer no longer in the directory, as a guest",
		event:    order.Confirmed{Change: order.Change{Order: anOrder(dan, "dan@example.com")}},
		emailTo:  "dan@example.com",
		subject:  "Your Test Shop order 1042 is confirmed",
		emailHas: []string{"Hello Grace Hopper,", "Total: 27.50 USD"},
		customer: dan,
	}, {
		name:    "shipped/customer by email only",
		event:   order.Shipped{Change: order.Change{Order: withShipment(advanced(anOrder(bob.CustomerID, "bob@example.com"), order.StatusShipped, delivered), shipment)}},
		emailTo: "bob@example.com",
		subject: "Your Test Shop order 1042 has shipped",
		emailHas: []string{
			"Hello Bob,", "order 1042 is on its way with DHL.", "Tracking number: JD0123", "Track it: https://track.example/JD0123",
			"2 x Earl Grey 100 g (TEA-1)  20.00 USD",
		},
		customer: bob.CustomerID,
	}, {
		name:     "shipped/customer by SMS only",
		event:    order.Shipped{Change: order.Change{Order: withShipment(advanced(anOrder(carol.CustomerID, "carol@example.com"), order.StatusShipped, delivered), shipment)}},
		smsTo:    carol.Phone,
		smsText:  "Test Shop: order 1042 has shipped with DHL. Track: https://track.example/JD0123",
		customer: carol.CustomerID,
	}, {
		name:     "shipped/without shipment details",
		event:    order.Shipped{Change: order.Change{Order: advanced(anOrder("", "grace@example.com"), order.StatusShipped, delivered)}},
		emailTo:  "grace@example.com",
		subject:  "Your Test Shop order 1042 has shipped",
		emailHas: []string{"order 1042 is on its way.\n"},
	}, {
		name:     "delivered/customer by email and SMS",
		event:    order.Delivered{Change: order.Change{Order: advanced(anOrder(ada.CustomerID, "ada@orders.example"), order.StatusDelivered, delivered)}},
		emailTo:  "ada@orders.example",
		smsTo:    ada.Phone,
		subject:  "Your Test Shop order 1042 was delivered",
		emailHas: []string{"Order 1042 was delivered on 5 January 2030."},
		smsText:  "Test Shop: order 1042 was delivered. Enjoy!",
		customer: ada.CustomerID,
	}, {
		name: "cancelled/guest with a refund",
		event: order.Cancelled{
			Change: order.Change{Order: advanced(anOrder("", "grace@example.com"), order.StatusCancelled, delivered), Reason: "out of stock at the warehouse"},
			Refund: usd(2750),
		},
		emailTo:  "grace@example.com",
		subject:  "Your Test Shop order 1042 was cancelled",
		emailHas: []string{"Order 1042 was cancelled: out of stock at the warehouse", "27.50 USD will be returned to your original payment method."},
	}, {
		name:     "cancelled/customer never charged",
		event:    order.Cancelled{Change: order.Change{Order: advanced(anOrder(ada.CustomerID, "ada@orders.example"), order.StatusCancelled, delivered)}},
		emailTo:  "ada@orders.example",
		smsTo:    ada.Phone,
		subject:  "Your Test Shop order 1042 was cancelled",
		emailHas: []string{"Order 1042 was cancelled.", "You have not been charged for it."},
		smsText:  "Test Shop: order 1042 was cancelled.",
		customer: ada.CustomerID,
	}, {
		name: "refunded/customer by email only",
		event: order.Refunded{
			Change: order.Change{Order: advanced(anOrder(bob.CustomerID, "bob@example.com"), order.StatusRefunded, delivered), Reason: "parcel damaged"},
			Amount: usd(2000),
		},
		emailTo:  "bob@example.com",
		subject:  "Your Test Shop refund for order 1042",
		emailHas: []string{"We have refunded 20.00 USD for order 1042 (parcel damaged)."},
		customer: bob.CustomerID,
	}} {
		t.Run(c.name, func(t *testing.T) {
			store := memory.NewNotifyStore(nil)
			email := notifytest.NewScriptedChannel("email", notify.Email)
			sms := notifytest.NewScriptedChannel("sms", notify.SMS)
			svc, err := notify.NewService(store, []notify.Channel{email, sms}, dir,
				&notify.Options{ShopName: "Test Shop", BaseURL: "https://shop.example", Logger: slog.New(slog.DiscardHandler)})
			require.NoError(t, err)
			o := orderOf(c.event)
			env := commerce.NewEnvelope(o.ID.String(), o.UpdatedAt, c.event)
			h, ok := svc.Handler(env.Name)
			require.True(t, ok, env.Name)
			require.NoError(t, h(ctx, env))
			require.NoError(t, h(ctx, env), "redelivered")

			var kinds int
			if c.emailTo == "" {
				assert.Zero(t, email.Calls(), "no email")
			} else {
				kinds++
				mails := email.Delivered()
				require.Len(t, mails, 1, "one email, also after the redelivery")
				m := mails[0]
				assert.Equal(t, c.emailTo, m.To)
				assert.Equal(t, c.subject, m.Subject)
				for _, s := range c.emailHas {
					assert.Contains(t, m.Text, s)
				}
				assert.Contains(t, m.HTML, "1042")
			}
			if c.smsTo == "" {
				assert.Zero(t, sms.Calls(), "no SMS")
			} else {
				kinds++
				texts := sms.Delivered()
				require.Len(t, texts, 1, "one SMS, also after the redelivery")
				assert.Equal(t, c.smsTo, texts[0].To)
				assert.Equal(t, c.smsText, texts[0].Text)
			}

			page, err := store.ListByOrder(ctx, o.ID, commerce.PageRequest{})
			require.NoError(t, err)
			require.Len(t, page.Items, kinds, "the delivery log of the order")
			for _, d := range page.Items {
				assert.Equal(t, env.ID, d.EventID)
				assert.Equal(t, env.Name, d.Event)
				assert.Equal(t, c.customer, d.CustomerID)
				assert.Equal(t, notify.StatusSent, d.Status)
			}
		})
	}
}

func withShipment(o order.Order, s *order.Shipment) order.Order {
	o.Shipment = s
	return o
}

// orderOf returns the order an order event carries.
func orderOf(e commerce.Event) order.Order {
	switch e := e.(type) {
	case order.Confirmed:
		return e.Order
	case order.Shipped:
		return e.Order
	case order.Delivered:
		return e.Order
	case order.Cancelled:
		return e.Order
	case order.Refunded:
		return e.Order
	}
	panic("not an order event")
}

// TestOrderBindingsWithoutDirectory: without a Directory, a customer's
// order is still confirmed to the address the order was placed with.
func TestOrderBindingsWithoutDirectory(t *testing.T) {
	ctx := context.Background()
	email := notifytest.NewScriptedChannel("email", notify.Email)
	sms := notifytest.NewScriptedChannel("sms", notify.SMS)
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{email, sms}, nil,
		&notify.Options{ShopName: "Test Shop", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	o := anOrder(commerce.NewID[commerce.CustomerID](), "ada@orders.example")
	env := commerce.NewEnvelope(o.ID.String(), o.UpdatedAt, order.Confirmed{Change: order.Change{Order: o}})
	h, _ := svc.Handler(env.Name)
	require.NoError(t, h(ctx, env))
	mails := email.Delivered()
	require.Len(t, mails, 1)
	assert.Equal(t, "ada@orders.example", mails[0].To)
	assert.Zero(t, sms.Calls(), "nobody said yes to SMS")
}

// TestOrderNumberFallsBackToID: an order the store has not numbered is
// named by its ID.
func TestOrderNumberFallsBackToID(t *testing.T) {
	ctx := context.Background()
	email := notifytest.NewScriptedChannel("email", notify.Email)
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{email}, nil,
		&notify.Options{ShopName: "Test Shop", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	o := anOrder("", "grace@example.com")
	o.Number = 0
	env := commerce.NewEnvelope(o.ID.String(), o.UpdatedAt, order.Confirmed{Change: order.Change{Order: o}})
	h, _ := svc.Handler(env.Name)
	require.NoError(t, h(ctx, env))
	mails := email.Delivered()
	require.Len(t, mails, 1)
	assert.Equal(t, "Your Test Shop order "+o.ID.String()+" is confirmed", mails[0].Subject)
}

func memoryOrderStores(_ testing.TB, events commerce.EventPublisher) ordertest.Stores {
	opts := &memory.Options{Events: events}
	return ordertest.Stores{
		Orders:    memory.NewOrderStore(opts),
		Inventory: memory.NewInventoryStore(opts),
		Payments:  memory.NewPaymentStore(opts),
		Carts:     memory.NewCartStore(opts),
	}
}

// checkout checks out a cart of customer (zero for a guest) holding two
// TEA-1, placed with email.
func checkout(t *testing.T, w *ordertest.World, customer commerce.CustomerID, email string) order.Order {
	t.Helper()
	ctx := context.Background()
	c, err := w.Carts.Create(ctx, cart.CreateInput{CustomerID: customer, Currency: "USD"})
	require.NoError(t, err)
	_, err = w.Carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "TEA-1", Quantity: 2})
	require.NoError(t, err)
	in := ordertest.Input("pm_card_visa", ordertest.NewKey())
	in.Email = email
	o, err := w.Orders.Checkout(ctx, c.ID, in)
	require.NoError(t, err)
	require.Equal(t, order.StatusConfirmed, o.Status)
	return o
}

// TestOrderDirectory resolves orders read from a real order service, and
// notifies payment.failed, which names only the order, through it.
func TestOrderDirectory(t *testing.T) {
	ctx := context.Background()
	customers, err := customer.NewService(memory.NewCustomerStore(&memory.Options{Events: commerce.DiscardEvents{}}), nil)
	require.NoError(t, err)
	ada, err := customers.Register(ctx, customer.RegisterInput{Email: "ada@account.example", Name: "Ada", Password: "correct horse battery", Phone: "+41791234567"})
	require.NoError(t, err)
	_, err = customers.Update(ctx, ada.ID, customer.UpdateInput{Preferences: &customer.Preferences{Email: true, SMS: true}})
	require.NoError(t, err)

	w := ordertest.NewWorld(t, memoryOrderStores, nil)
	w.SetStock(t, "TEA-1", 10)
	guestOrder := checkout(t, w, "", "grace@example.com")
	adaOrder := checkout(t, w, ada.ID, "ada@orders.example")

	dir := notify.CustomerDirectory(customers)
	dir.Orders = notify.OrderDirectory(w.Orders, dir)

	r, err := dir.OrderRecipient(ctx, guestOrder.ID)
	require.NoError(t, err)
	assert.Equal(t, notify.Recipient{Email: "grace@example.com", Name: "Ada Lovelace", Preferences: notify.Preferences{Email: true}}, r,
		"a guest by email only, greeted by the order's name")
	r, err = dir.OrderRecipient(ctx, adaOrder.ID)
	require.NoError(t, err)
	assert.Equal(t, notify.Recipient{
		CustomerID: ada.ID, Email: "ada@orders.example", Phone: "+41791234567", Name: "Ada",
		Preferences: notify.Preferences{Email: true, SMS: true},
	}, r, "the customer with their preferences, at the order's address")
	_, err = dir.OrderRecipient(ctx, commerce.NewID[commerce.OrderID]())
	assert.ErrorIs(t, err, commerce.ErrNotFound)
	_, err = notify.OrderDirectory(nil, nil).OrderRecipient(ctx, adaOrder.ID)
	assert.ErrorIs(t, err, notify.ErrNoOrderDirectory)
	r, err = notify.OrderDirectory(w.Orders, nil).OrderRecipient(ctx, adaOrder.ID)
	require.NoError(t, err)
	assert.Equal(t, notify.Recipient{CustomerID: ada.ID, Email: "ada@orders.example", Name: "Ada Lovelace", Preferences: notify.Preferences{Email: true}}, r,
		"without customer lookups, a customer is reached like a guest")

	email := notifytest.NewScriptedChannel("email", notify.Email)
	sms := notifytest.NewScriptedChannel("sms", notify.SMS)
	svc, err := notify.NewService(memory.NewNotifyStore(nil), []notify.Channel{email, sms}, dir,
		&notify.Options{ShopName: "Test Shop", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	h, _ := svc.Handler("payment.failed")
	failed := commerce.NewEnvelope("pay", time.Now(), payment.Failed{
		PaymentID: adaOrder.PaymentIDs[0], OrderID: adaOrder.ID, Amount: adaOrder.Totals.Total, Stage: "capture", Final: true,
	})
	require.NoError(t, h(ctx, failed))
	mails, texts := email.Delivered(), sms.Delivered()
	require.Len(t, mails, 1)
	require.Len(t, texts, 1)
	assert.Equal(t, "ada@orders.example", mails[0].To)
	assert.Equal(t, "+41791234567", texts[0].To)
	assert.Equal(t, "Test Shop: the payment of 25.00 USD for order "+strconv.FormatInt(adaOrder.Number, 10)+" failed. Please update your payment method.", texts[0].Text)

	// Once the order is cancelled, its order.cancelled message is the
	// one that tells the customer: payment.failed sends nothing.
	_, err = w.Orders.Cancel(ctx, adaOrder.ID, "", "payment failed")
	require.NoError(t, err)
	_, err = dir.OrderRecipient(ctx, adaOrder.ID)
	assert.ErrorIs(t, err, commerce.ErrNotFound)
	failed.ID = "another-failure"
	require.NoError(t, h(ctx, failed))
	assert.Len(t, email.Delivered(), 1)
	assert.Len(t, sms.Delivered(), 1)
}
