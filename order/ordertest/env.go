package ordertest

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/catalog"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/commerce/commercetest"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
	"github.com/mercatohq/mercato/promotion"
)

// Stores are the stores a checkout touches. Orders is the store under
// test; the others may be of any adapter (the Postgres suite runs every
// one on Postgres but the carts, which live in Redis).
type Stores struct {
	Orders    order.Store
	Inventory inventory.Store
	Payments  payment.Store
	Carts     cart.Store
	// Promotions keeps promotions, codes and gift cards. With it, the
	// World's checkouts evaluate promotions and take gift cards (through
	// a promotion.Service over it), and the suite's promotion tests run;
	// Run needs it.
	Promotions promotion.Store
	// Units, when Orders and Inventory write to one database, is their
	// unit of work: the World's order services get it as
	// Options.UnitOfWork, unless the run's Ports put the stock elsewhere
	// or the service writes through other stores (the crash tests').
	Units order.UnitOfWork
}

// NewStores returns fresh, empty stores whose committed events reach
// events.
type NewStores func(t testing.TB, events commerce.EventPublisher) Stores

var usd = commerce.Currency("USD")

func money(amount int64) commerce.Money { return commerce.MustMoney(amount, usd) }

// World is a whole shop around an order store: the services a checkout
// calls, the fake payment provider, a test clock and the events every
// store published. Tests and benchmarks build one with NewWorld.
type World struct {
	Stores   Stores
	Events   *commercetest.Recorder
	Clock    *commerce.TestClock
	Provider *fakeprovider.Provider
	Prices   *PriceTable
	Carts    *cart.Service
	Stock    *inventory.Service
	Payments *payment.Service
	// Promotions is the promotion service over Stores.Promotions; nil
	// without that store.
	Promotions *promotion.Service
	Orders     *order.Service

	opts Options
}

// NewWorld builds a World over the stores newStores returns, with the
// order service configured by opts (its Clock is the World's).
func NewWorld(t testing.TB, newStores NewStores, opts *order.Options) *World {
	t.Helper()
	return NewWorldWith(t, newStores, opts, Options{})
}

// NewWorldWith is NewWorld with the suite's options: through
// Options.Ports, the World's order services (Orders and every one
// OrderService returns) reach its carts, stock and payments through the
// caller's ports.
func NewWorldWith(t testing.TB, newStores NewStores, opts *order.Options, suite Options) *World {
	t.Helper()
	w := &World{
		opts:   suite,
		Events: commercetest.NewRecorder(),
		Clock:  commerce.NewTestClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)),
		Prices: NewPriceTable(),
	}
	w.Stores = newStores(t, w.Events)
	// A shop that captures at checkout takes the payment in one provider
	// call, as it does with Stripe.
	w.Provider = fakeprovider.New(&fakeprovider.Options{Clock: w.Clock, AutoCapture: opts == nil || opts.Capture != order.CaptureAtShipment})
	quiet := slog.New(slog.DiscardHandler)
	var err error
	cartOpts := &cart.Options{Clock: w.Clock}
	if w.Stores.Promotions != nil {
		w.Promotions, err = promotion.NewService(w.Stores.Promotions, &promotion.Options{Clock: w.Clock, Logger: quiet})
		require.NoError(t, err)
		cartOpts.Discounter = w.Promotions
	}
	w.Carts, err = cart.NewService(w.Stores.Carts, w.Prices, cartOpts)
	require.NoError(t, err)
	w.Stock, err = inventory.NewService(w.Stores.Inventory, &inventory.Options{Clock: w.Clock, Untracked: suite.Untracked})
	require.NoError(t, err)
	w.Payments, err = payment.NewService(w.Stores.Payments, w.Provider, &payment.Options{
		Clock: w.Clock, Logger: quiet, InFlightPoll: time.Millisecond,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	require.NoError(t, err)
	w.Orders = w.OrderService(t, opts)
	return w
}

// OrderService returns another order service over the World's stores and
// services, as a second process would have.
func (w *World) OrderService(t testing.TB, opts *order.Options) *order.Service {
	t.Helper()
	var o order.Options
	if opts != nil {
		o = *opts
	}
	o.Clock = w.Clock
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	w.withPromotions(&o)
	return w.newOrderService(t, w.Stores.Orders, w.Carts, w.Stock, w.Payments, &o)
}

// Item is a SKU and a quantity to put in a cart.
type Item struct {
	SKU      string
	Quantity int
}

// Cart creates a guest USD cart holding items.
func (w *World) Cart(t testing.TB, items ...Item) commerce.CartID {
	t.Helper()
	ctx := context.Background()
	c, err := w.Carts.Create(ctx, cart.CreateInput{Currency: usd})
	require.NoError(t, err)
	for _, it := range items {
		_, err := w.Carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: it.SKU, Quantity: it.Quantity})
		require.NoError(t, err)
	}
	return c.ID
}

// SetStock sets sku's on-hand quantity, creating the SKU in the price table
// (at the default price) if it is new.
func (w *World) SetStock(t testing.TB, sku string, onHand int) {
	t.Helper()
	w.Prices.Ensure(sku)
	_, err := w.Stock.SetStock(context.Background(), sku, "", onHand, "test")
	require.NoError(t, err)
}

// Input is a valid checkout input with the given payment method and key.
func Input(paymentMethod, key string) order.CheckoutInput {
	return order.CheckoutInput{
		Email:           "ada@example.com",
		ShippingAddress: commerce.Address{Name: "Ada Lovelace", Line1: "12 St James's Square", City: "London", PostalCode: "SW1Y 4JH", Country: "GB"},
		PaymentMethod:   paymentMethod, IdempotencyKey: key,
	}
}

// NewKey returns a fresh idempotency key.
func NewKey() string { return "key-" + commerce.NewID[commerce.OrderID]().String() }

// PriceTable is the World's cart.Pricer: every SKU it knows costs its
// price in USD and is purchasable.
type PriceTable struct {
	mu     sync.Mutex
	prices map[string]int64
}

// NewPriceTable returns a table with no SKUs.
func NewPriceTable() *PriceTable { return &PriceTable{prices: map[string]int64{}} }

// defaultPrice is the price of a SKU Ensure adds: 12.50 USD.
const defaultPrice = 1250

// Ensure adds sku at the default price if the table lacks it.
func (p *PriceTable) Ensure(sku string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.prices[sku]; !ok {
		p.prices[sku] = defaultPrice
	}
}

// Set sets sku's price in cents.
func (p *PriceTable) Set(sku string, cents int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.prices[sku] = cents
}

// PriceSKUs implements cart.Pricer.
func (p *PriceTable) PriceSKUs(_ context.Context, currency commerce.Currency, skus ...string) (map[string]catalog.SKUPrice, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]catalog.SKUPrice, len(skus))
	var unknown []string
	for _, sku := range skus {
		cents, ok := p.prices[sku]
		if !ok || currency != usd {
			unknown = append(unknown, sku)
			continue
		}
		out[sku] = catalog.SKUPrice{SKU: sku, Title: "Item " + sku, Price: commerce.MustMoney(cents, usd), Purchasable: true}
	}
	if len(unknown) > 0 {
		return nil, commerce.Errorf(commerce.CodeNotFound, "ordertest: unknown SKUs %v", unknown).WithDetail("skus", unknown)
	}
	return out, nil
}

// SKU returns the name of the i-th generated SKU.
func SKU(i int) string { return fmt.Sprintf("SKU-%04d", i) }
