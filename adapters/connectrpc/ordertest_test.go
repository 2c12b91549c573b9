package connectrpc_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
)

// The clients satisfy the ports the order service declares.
var (
	_ order.Carts    = (*connectrpc.CartClient)(nil)
	_ order.Stock    = (*connectrpc.InventoryClient)(nil)
	_ order.Payments = (*connectrpc.PaymentClient)(nil)
)

// overTheNetwork serves the carts, the stock and the payments each on
// its own loopback server and returns clients of the three: every order
// service the suite builds reaches them over Connect.
func overTheNetwork(t testing.TB, carts order.Carts, stock order.Stock, payments order.Payments) (order.Carts, order.Stock, order.Payments) {
	t.Helper()
	srv := &connectrpc.ServerOptions{Logger: quiet}
	cli := &connectrpc.ClientOptions{InitialBackoff: 1, MaxBackoff: 1, Logger: quiet}
	c, err := connectrpc.NewCartClient(nil, serve(t)(connectrpc.NewCartServer(carts, srv)), cli)
	require.NoError(t, err)
	s, err := connectrpc.NewInventoryClient(nil, serve(t)(connectrpc.NewInventoryServer(stock, srv)), cli)
	require.NoError(t, err)
	p, err := connectrpc.NewPaymentClient(nil, serve(t)(connectrpc.NewPaymentServer(payments, srv)), cli)
	require.NoError(t, err)
	return c, s, p
}

// TestOrderSuiteOverTheNetwork is the proof that the remote ports keep the
// contracts of the in-process services: the whole order suite, races and
// crash tests included, with carts, stock and payments reached over
// Connect.
func TestOrderSuiteOverTheNetwork(t *testing.T) {
	ordertest.RunWith(t, memoryStores, ordertest.Options{Ports: overTheNetwork})
}
