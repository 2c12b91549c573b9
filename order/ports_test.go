package order_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
)

// calls counts the calls that crossed the ports, by the suite's test
// (the first element of the test's name below the top one).
type calls struct {
	mu     sync.Mutex
	byTest map[string]int
}

func (c *calls) add(test string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byTest[test]++
}

func (c *calls) of(test string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byTest[test]
}

type countedCarts struct {
	order.Carts
	c    *calls
	test string
}

func (p countedCarts) Get(ctx context.Context, id commerce.CartID) (cart.Cart, error) {
	p.c.add(p.test)
	return p.Carts.Get(ctx, id)
}

func (p countedCarts) PriceItems(ctx context.Context, c cart.Cart) (cart.Totals, error) {
	p.c.add(p.test)
	return p.Carts.PriceItems(ctx, c)
}

func (p countedCarts) MarkConverted(ctx context.Context, id commerce.CartID, orderID commerce.OrderID, version int64) (cart.Cart, error) {
	p.c.add(p.test)
	return p.Carts.MarkConverted(ctx, id, orderID, version)
}

type countedStock struct {
	order.Stock
	c    *calls
	test string
}

func (p countedStock) Reserve(ctx context.Context, id commerce.ReservationID, lines []inventory.Line, ttl time.Duration) (inventory.Reservation, error) {
	p.c.add(p.test)
	return p.Stock.Reserve(ctx, id, lines, ttl)
}

func (p countedStock) Deduct(ctx context.Context, id commerce.ReservationID) error {
	p.c.add(p.test)
	return p.Stock.Deduct(ctx, id)
}

type countedPayments struct {
	order.Payments
	c    *calls
	test string
}

func (p countedPayments) Authorize(ctx context.Context, in payment.AuthorizeInput) (payment.Payment, error) {
	p.c.add(p.test)
	return p.Payments.Authorize(ctx, in)
}

func (p countedPayments) GetByOrder(ctx context.Context, id commerce.OrderID) ([]payment.Payment, error) {
	p.c.add(p.test)
	return p.Payments.GetByOrder(ctx, id)
}

// TestRunWithPorts proves the suite's hook: every test of the suite,
// crash tests, races and recovery included, reaches the carts, the stock
// and the payments through the ports the caller hands it.
func TestRunWithPorts(t *testing.T) {
	counted := &calls{byTest: map[string]int{}}
	ordertest.RunWith(t, func(_ testing.TB, events commerce.EventPublisher) ordertest.Stores {
		opts := &memory.Options{Events: events}
		return ordertest.Stores{
			Orders:     memory.NewOrderStore(opts),
			Inventory:  memory.NewInventoryStore(opts),
			Payments:   memory.NewPaymentStore(opts),
			Carts:      memory.NewCartStore(opts),
			Promotions: memory.NewPromotionStore(opts),
		}
	}, ordertest.Options{
		Ports: func(t testing.TB, carts order.Carts, stock order.Stock, payments order.Payments) (order.Carts, order.Stock, order.Payments) {
			test := strings.Split(t.Name(), "/")[1]
			return countedCarts{carts, counted, test}, countedStock{stock, counted, test}, countedPayments{payments, counted, test}
		},
	})
	for _, test := range []string{
		"Checkout", "OutOfStock", "IdempotentConcurrentCheckout", "CartChangedWhilePaying",
		"LastUnitRace", "Cancel", "PartialReturns", "CrashRecovery", "RecoveryRacesAStalledCheckout",
		"GiftCardRace", "WithoutPromotions",
	} {
		assert.Positive(t, counted.of(test), "calls of %s through the ports", test)
	}
}
