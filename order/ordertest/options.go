package ordertest

import (
	"testing"

	"github.com/mercatohq/mercato/order"
)

// Options configure a run of the suite (RunWith) or a World
// (NewWorldWith).
type Options struct {
	// Ports, when set, stands between every order service the suite
	// builds and the services it calls: given the in-process carts, stock
	// and payments (the World's, or the crashing ones of the crash
	// tests), it returns the ports the order service is built with. A
	// test serves the three over loopback RPC and returns the network
	// clients, so checkouts, races, recovery and crash tests cross the
	// wire. It is called once for each order service (several per test),
	// from the test's goroutine; what it starts it stops with t.Cleanup.
	// The suite's own setup and assertions keep using the in-process
	// services.
	Ports func(t testing.TB, carts order.Carts, stock order.Stock, payments order.Payments) (order.Carts, order.Stock, order.Payments)
	// Untracked runs the World's inventory (and the crash tests') with
	// inventory.Options.Untracked: a SKU without a stock level sells
	// without limit. RunWith runs the cases it concerns with it on
	// whatever this says.
	Untracked bool
}

// suite is what every test of the suite is given: how to make the stores
// and how to wire the order services over them.
type suite struct {
	newStores NewStores
	opts      Options
}

// world builds a World over fresh stores, its order service configured
// by opts.
func (s suite) world(t testing.TB, opts *order.Options) *World {
	t.Helper()
	return NewWorldWith(t, s.newStores, opts, s.opts)
}

// newOrderService is the only way the suite builds an order service: it
// puts the run's ports between the order service and the services it
// calls.
func (w *World) newOrderService(t testing.TB, store order.Store, carts order.Carts, stock order.Stock, payments order.Payments, opts *order.Options) *order.Service {
	t.Helper()
	if w.opts.Ports != nil {
		carts, stock, payments = w.opts.Ports(t, carts, stock, payments)
	} else if w.Stores.Units != nil && store == w.Stores.Orders && stock == order.Stock(w.Stock) {
		var o order.Options
		if opts != nil {
			o = *opts
		}
		o.UnitOfWork = w.Stores.Units
		opts = &o
	}
	svc, err := order.NewService(store, carts, stock, payments, opts)
	if err != nil {
		t.Fatalf("ordertest: order service: %v", err)
	}
	return svc
}
