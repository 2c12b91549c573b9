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
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/promotion"
)

// crash kills a simulated process at its at-th write: every store write
// and provider call counts as one. The at-th write takes effect but its
// caller is told it failed (the process died before hearing back); every
// later one fails without taking effect. Reads still work, as they
// change nothing.
type crash struct {
	mu    sync.Mutex
	at    int
	calls int
	steps []string
	// hold, when set, runs before each write: tests stall the process
	// there.
	hold func(what string)
}

func (c *crash) errDead(what string) error {
	return commerce.Errorf(commerce.CodeUnavailable, "ordertest: the process died at %s", what)
}

// crashed runs write as the process's next write.
func crashed[T any](c *crash, what string, write func() (T, error)) (T, error) {
	if c.hold != nil {
		c.hold(what)
	}
	c.mu.Lock()
	c.calls++
	n := c.calls
	c.steps = append(c.steps, what)
	c.mu.Unlock()
	if n > c.at {
		var zero T
		return zero, c.errDead(what)
	}
	v, err := write()
	if n == c.at {
		return v, c.errDead(what)
	}
	return v, err
}

// died reports whether the process reached its at-th write.
func (c *crash) died() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls >= c.at
}

func (c *crash) step() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at-1 < len(c.steps) {
		return c.steps[c.at-1]
	}
	return "none"
}

type crashOrders struct {
	order.Store
	c *crash
}

func (s crashOrders) Create(ctx context.Context, o order.Order, events func(order.Order) []commerce.Envelope) (order.Order, bool, error) {
	type r struct {
		o       order.Order
		created bool
	}
	v, err := crashed(s.c, "order create", func() (r, error) {
		o, created, err := s.Store.Create(ctx, o, events)
		return r{o, created}, err
	})
	return v.o, v.created, err
}

func (s crashOrders) Update(ctx context.Context, id commerce.OrderID, fn func(*order.Order) ([]commerce.Envelope, error)) (order.Order, error) {
	return crashed(s.c, "order update", func() (order.Order, error) { return s.Store.Update(ctx, id, fn) })
}

func (s crashOrders) Discard(ctx context.Context, id commerce.OrderID, fn func(order.Order) ([]commerce.Envelope, error)) error {
	_, err := crashed(s.c, "order discard", func() (struct{}, error) { return struct{}{}, s.Store.Discard(ctx, id, fn) })
	return err
}

type crashInventory struct {
	inventory.Store
	c *crash
}

func (s crashInventory) CreateReservation(ctx context.Context, res inventory.Reservation, fn func(inventory.Stock) (inventory.Change, error)) (*inventory.Reservation, error) {
	return crashed(s.c, "reserve", func() (*inventory.Reservation, error) { return s.Store.CreateReservation(ctx, res, fn) })
}

func (s crashInventory) UpdateReservation(ctx context.Context, id commerce.ReservationID, fn func(inventory.Reservation, inventory.Stock) (inventory.Change, error)) error {
	_, err := crashed(s.c, "reservation update", func() (struct{}, error) { return struct{}{}, s.Store.UpdateReservation(ctx, id, fn) })
	return err
}

func (s crashInventory) UpdateStock(ctx context.Context, sku string, fn func(inventory.Stock) (inventory.Change, error)) error {
	_, err := crashed(s.c, "stock update", func() (struct{}, error) { return struct{}{}, s.Store.UpdateStock(ctx, sku, fn) })
	return err
}

func (s crashInventory) ExpireReservations(ctx context.Context, now time.Time, limit int, fn func([]inventory.Reservation, inventory.Stock) (inventory.Change, error)) (int, error) {
	return crashed(s.c, "expire reservations", func() (int, error) { return s.Store.ExpireReservations(ctx, now, limit, fn) })
}

type crashPayments struct {
	payment.Store
	c *crash
}

func (s crashPayments) Create(ctx context.Context, p payment.Payment, events []commerce.Envelope) (payment.Payment, bool, error) {
	type r struct {
		p       payment.Payment
		created bool
	}
	v, err := crashed(s.c, "payment create", func() (r, error) {
		p, created, err := s.Store.Create(ctx, p, events)
		return r{p, created}, err
	})
	return v.p, v.created, err
}

func (s crashPayments) Update(ctx context.Context, id commerce.PaymentID, fn func(*payment.Payment) ([]commerce.Envelope, error)) (payment.Payment, error) {
	return crashed(s.c, "payment update", func() (payment.Payment, error) { return s.Store.Update(ctx, id, fn) })
}

func (s crashPayments) CreateRefund(ctx context.Context, r payment.Refund, check func(payment.Payment, []payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, bool, error) {
	type res struct {
		r       payment.Refund
		created bool
	}
	v, err := crashed(s.c, "refund create", func() (res, error) {
		r, created, err := s.Store.CreateRefund(ctx, r, check)
		return res{r, created}, err
	})
	return v.r, v.created, err
}

func (s crashPayments) UpdateRefund(ctx context.Context, id commerce.RefundID, fn func(*payment.Payment, *payment.Refund) ([]commerce.Envelope, error)) (payment.Refund, error) {
	return crashed(s.c, "refund update", func() (payment.Refund, error) { return s.Store.UpdateRefund(ctx, id, fn) })
}

type crashCarts struct {
	cart.Store
	c *crash
}

func (s crashCarts) Update(ctx context.Context, id commerce.CartID, ttl time.Duration, fn cart.UpdateFunc) (cart.Cart, error) {
	return crashed(s.c, "cart update", func() (cart.Cart, error) { return s.Store.Update(ctx, id, ttl, fn) })
}

// crashPromotions dies at the promotion store's writes of a checkout:
// redemptions and gift-card payments.
type crashPromotions struct {
	promotion.Store
	c *crash
}

func (s crashPromotions) CreateRedemption(ctx context.Context, r promotion.Redemption, check func(promotion.Usage) error) (*promotion.Redemption, error) {
	return crashed(s.c, "redemption create", func() (*promotion.Redemption, error) { return s.Store.CreateRedemption(ctx, r, check) })
}

func (s crashPromotions) UpdateRedemption(ctx context.Context, id commerce.OrderID, fn func(promotion.Redemption) (promotion.Redemption, error)) (promotion.Redemption, error) {
	return crashed(s.c, "redemption update", func() (promotion.Redemption, error) { return s.Store.UpdateRedemption(ctx, id, fn) })
}

func (s crashPromotions) CreateGiftCardPayment(ctx context.Context, p promotion.GiftCardPayment, fn func([]promotion.GiftCard) ([]promotion.GiftCard, error)) (*promotion.GiftCardPayment, error) {
	return crashed(s.c, "gift card hold", func() (*promotion.GiftCardPayment, error) { return s.Store.CreateGiftCardPayment(ctx, p, fn) })
}

func (s crashPromotions) UpdateGiftCardPayment(ctx context.Context, id commerce.OrderID, fn func(promotion.GiftCardPayment, []promotion.GiftCard) (promotion.GiftCardPayment, []promotion.GiftCard, error)) (promotion.GiftCardPayment, error) {
	return crashed(s.c, "gift card payment update", func() (promotion.GiftCardPayment, error) { return s.Store.UpdateGiftCardPayment(ctx, id, fn) })
}

type crashProvider struct {
	payment.Provider
	c *crash
}

func (p crashProvider) Authorize(ctx context.Context, req payment.AuthorizeRequest) (payment.ProviderResult, error) {
	return crashed(p.c, "provider authorize", func() (payment.ProviderResult, error) { return p.Provider.Authorize(ctx, req) })
}

func (p crashProvider) Capture(ctx context.Context, ref string, amount commerce.Money, key string) (payment.ProviderResult, error) {
	return crashed(p.c, "provider capture", func() (payment.ProviderResult, error) { return p.Provider.Capture(ctx, ref, amount, key) })
}

func (p crashProvider) Cancel(ctx context.Context, ref, key string) (payment.ProviderResult, error) {
	return crashed(p.c, "provider cancel", func() (payment.ProviderResult, error) { return p.Provider.Cancel(ctx, ref, key) })
}

func (p crashProvider) Refund(ctx context.Context, ref string, amount commerce.Money, key string) (payment.RefundResult, error) {
	return crashed(p.c, "provider refund", func() (payment.RefundResult, error) { return p.Provider.Refund(ctx, ref, amount, key) })
}

// doomed returns an order service over the World's stores and provider
// that dies at its at-th write.
func (w *World) doomed(t testing.TB, c *crash, opts *order.Options) *order.Service {
	t.Helper()
	quiet := slog.New(slog.DiscardHandler)
	carts, err := cart.NewService(crashCarts{w.Stores.Carts, c}, w.Prices, &cart.Options{Clock: w.Clock})
	require.NoError(t, err)
	stock, err := inventory.NewService(crashInventory{w.Stores.Inventory, c}, &inventory.Options{Clock: w.Clock, Untracked: w.opts.Untracked})
	require.NoError(t, err)
	pays, err := payment.NewService(crashPayments{w.Stores.Payments, c}, crashProvider{w.Provider, c}, &payment.Options{
		Clock: w.Clock, Logger: quiet, InFlightPoll: time.Millisecond, InFlightWait: time.Millisecond,
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	require.NoError(t, err)
	var o order.Options
	if opts != nil {
		o = *opts
	}
	o.Clock, o.Logger = w.Clock, quiet
	if w.Stores.Promotions != nil {
		promos, err := promotion.NewService(crashPromotions{w.Stores.Promotions, c}, &promotion.Options{Clock: w.Clock, Logger: quiet})
		require.NoError(t, err)
		o.Promotions, o.GiftCards = promos, promos
	}
	return w.newOrderService(t, crashOrders{w.Stores.Orders, c}, carts, stock, pays, &o)
}

// crashCase is one run of the crash test: a checkout that dies at write
// at, then recovery by recover.
type crashCase struct {
	token   string
	opts    *order.Options
	recover string // "worker" or "retry"
	// promo checks out with a code and a gift card: the run's code and
	// card are set by each run.
	promo bool
	code  string
	card  promotion.IssuedGiftCard
}

func (cc crashCase) String() string {
	capture := order.CaptureAtCheckout
	if cc.opts != nil && cc.opts.Capture != "" {
		capture = cc.opts.Capture
	}
	s := fmt.Sprintf("%s/capture-at-%s/%s", cc.token, capture, cc.recover)
	if cc.promo {
		s += "/code-and-gift-card"
	}
	return s
}
