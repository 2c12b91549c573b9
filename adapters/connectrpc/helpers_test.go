package connectrpc_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order/ordertest"
)

// serve returns a function that mounts the path and handler a
// New…Server returned on a loopback server and returns its URL:
//
//	url := serve(t)(connectrpc.NewCartServer(carts, nil))
func serve(t testing.TB) func(path string, h http.Handler) string {
	return func(path string, h http.Handler) string {
		t.Helper()
		mux := http.NewServeMux()
		mux.Handle(path, h)
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv.URL
	}
}

// fastRetry retries quickly, so that tests of the retries do not wait.
var fastRetry = &connectrpc.ClientOptions{InitialBackoff: 1, MaxBackoff: 1}

// memoryStores are the in-memory stores of the order suite's shop.
func memoryStores(_ testing.TB, events commerce.EventPublisher) ordertest.Stores {
	opts := &memory.Options{Events: events}
	return ordertest.Stores{
		Orders:     memory.NewOrderStore(opts),
		Inventory:  memory.NewInventoryStore(opts),
		Payments:   memory.NewPaymentStore(opts),
		Carts:      memory.NewCartStore(opts),
		Promotions: memory.NewPromotionStore(opts),
	}
}

// remote is a shop whose cart, inventory and payment services each sit
// behind their own loopback server, with a client of each.
type remote struct {
	*ordertest.World
	Carts    *connectrpc.CartClient
	Stock    *connectrpc.InventoryClient
	Payments *connectrpc.PaymentClient
}

func newRemote(t testing.TB) *remote {
	t.Helper()
	w := ordertest.NewWorld(t, memoryStores, nil)
	carts, err := connectrpc.NewCartClient(nil, serve(t)(connectrpc.NewCartServer(w.Carts, nil)), nil)
	require.NoError(t, err)
	stock, err := connectrpc.NewInventoryClient(nil, serve(t)(connectrpc.NewInventoryServer(w.Stock, nil)), nil)
	require.NoError(t, err)
	payments, err := connectrpc.NewPaymentClient(nil, serve(t)(connectrpc.NewPaymentServer(w.Payments, nil)), nil)
	require.NoError(t, err)
	return &remote{World: w, Carts: carts, Stock: stock, Payments: payments}
}
