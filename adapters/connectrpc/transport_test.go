package connectrpc_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/payment"
)

// flaky is a handler in front of next that answers the first failures
// requests 503, as a proxy does while no instance is up, and counts every
// request it sees.
type flaky struct {
	next     http.Handler
	failures int32
	seen     atomic.Int32
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.seen.Add(1) <= f.failures {
		http.Error(w, "no instance up", http.StatusServiceUnavailable)
		return
	}
	f.next.ServeHTTP(w, r)
}

// flakyServer serves handler at path behind a flaky front.
func flakyServer(t *testing.T, failures int32) func(path string, h http.Handler) (*flaky, string) {
	return func(path string, h http.Handler) (*flaky, string) {
		mux := http.NewServeMux()
		mux.Handle(path, h)
		f := &flaky{next: mux, failures: failures}
		srv := httptest.NewServer(f)
		t.Cleanup(srv.Close)
		return f, srv.URL
	}
}

func TestIdempotentCallsRetryWhileUnavailable(t *testing.T) {
	r := newRemote(t)
	r.SetStock(t, "MUG", 5)
	front, url := flakyServer(t, 2)(connectrpc.NewInventoryServer(r.World.Stock, nil))
	stock, err := connectrpc.NewInventoryClient(nil, url, fastRetry)
	require.NoError(t, err)

	id := commerce.NewID[commerce.ReservationID]()
	_, err = stock.Reserve(context.Background(), id, []inventory.Line{{SKU: "MUG", Quantity: 2}}, 0)
	require.NoError(t, err)
	assert.Equal(t, int32(3), front.seen.Load(), "two 503s, then the call went through")
	n, err := r.World.Stock.Available(context.Background(), "MUG")
	require.NoError(t, err)
	assert.Equal(t, 3, n, "reserved once")
}

func TestRetriesStopAfterMaxAttempts(t *testing.T) {
	r := newRemote(t)
	front, url := flakyServer(t, 100)(connectrpc.NewCartServer(r.World.Carts, nil))
	carts, err := connectrpc.NewCartClient(nil, url, &connectrpc.ClientOptions{MaxAttempts: 3, InitialBackoff: 1, MaxBackoff: 1, Logger: quiet})
	require.NoError(t, err)
	_, err = carts.Get(context.Background(), commerce.NewID[commerce.CartID]())
	assert.ErrorIs(t, err, commerce.ErrUnavailable)
	assert.Equal(t, int32(3), front.seen.Load())
}

func TestOtherCodesAreNotRetried(t *testing.T) {
	r := newRemote(t)
	r.SetStock(t, "MUG", 1)
	front, url := flakyServer(t, 0)(connectrpc.NewInventoryServer(r.World.Stock, nil))
	stock, err := connectrpc.NewInventoryClient(nil, url, fastRetry)
	require.NoError(t, err)

	_, err = stock.Reserve(context.Background(), commerce.NewID[commerce.ReservationID](), []inventory.Line{{SKU: "MUG", Quantity: 2}}, 0)
	assert.ErrorIs(t, err, commerce.ErrOutOfStock)
	assert.ErrorIs(t, stock.Deduct(context.Background(), commerce.NewID[commerce.ReservationID]()), commerce.ErrNotFound)
	assert.Equal(t, int32(2), front.seen.Load(), "one attempt each")
}

func TestAnAuthorizeWithoutKeyIsNotRetried(t *testing.T) {
	r := newRemote(t)
	front, url := flakyServer(t, 100)(connectrpc.NewPaymentServer(r.World.Payments, nil))
	payments, err := connectrpc.NewPaymentClient(nil, url, fastRetry)
	require.NoError(t, err)
	in := payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(100, "USD"), PaymentMethod: "pm_card_visa"}

	_, err = payments.Authorize(context.Background(), in)
	assert.ErrorIs(t, err, commerce.ErrUnavailable)
	assert.Equal(t, int32(1), front.seen.Load(), "without a key a second run could charge twice")

	in.IdempotencyKey = "pay-1"
	_, err = payments.Authorize(context.Background(), in)
	assert.ErrorIs(t, err, commerce.ErrUnavailable)
	assert.Equal(t, int32(1+connectrpc.DefaultMaxAttempts), front.seen.Load(), "with a key it is retried")
}

func TestTheDeadlineReachesTheHandler(t *testing.T) {
	deadlines := make(chan time.Time, 1)
	url := serve(t)(connectrpc.NewCartServer(stubCarts{get: func(ctx context.Context, id commerce.CartID) (cart.Cart, error) {
		d, ok := ctx.Deadline()
		if !ok {
			return cart.Cart{}, commerce.Errorf(commerce.CodeInvalidArgument, "no deadline")
		}
		deadlines <- d
		return cart.Cart{ID: id, Currency: "USD"}, nil
	}}, nil))
	carts, err := connectrpc.NewCartClient(nil, url, nil)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = carts.Get(ctx, commerce.NewID[commerce.CartID]())
	require.NoError(t, err)
	mine, _ := ctx.Deadline()
	theirs := <-deadlines
	assert.False(t, theirs.After(mine.Add(time.Second)), "the handler's deadline %s is the caller's %s", theirs, mine)
}

func TestAServerThatIsDownIsUnavailableWithinTheDeadline(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	carts, err := connectrpc.NewCartClient(nil, url, &connectrpc.ClientOptions{Logger: quiet})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = carts.Get(ctx, commerce.NewID[commerce.CartID]())
	assert.ErrorIs(t, err, commerce.ErrUnavailable)
	assert.NotContains(t, err.Error(), strings.TrimPrefix(url, "http://"), "the message names no address")
}

func TestAHungServerIsUnavailableAtTheDeadline(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	url := serve(t)(connectrpc.NewCartServer(stubCarts{get: func(ctx context.Context, _ commerce.CartID) (cart.Cart, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return cart.Cart{}, ctx.Err()
	}}, &connectrpc.ServerOptions{Logger: quiet}))
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	carts, err := connectrpc.NewCartClient(nil, url, nil)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = carts.Get(ctx, commerce.NewID[commerce.CartID]())
	assert.ErrorIs(t, err, commerce.ErrUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the caller can tell its own deadline passed")
}

func TestRequestsOverTheLimitAreRefused(t *testing.T) {
	r := newRemote(t)
	url := serve(t)(connectrpc.NewCartServer(r.World.Carts, &connectrpc.ServerOptions{MaxRequestBytes: 512, Logger: quiet}))
	carts, err := connectrpc.NewCartClient(nil, url, nil)
	require.NoError(t, err)

	big := cart.Cart{ID: commerce.NewID[commerce.CartID](), Currency: "USD"}
	for range 50 {
		big.Lines = append(big.Lines, cart.Line{SKU: strings.Repeat("X", 20), Quantity: 1, UnitPrice: commerce.MustMoney(100, "USD")})
	}
	_, err = carts.PriceItems(context.Background(), big)
	assert.ErrorIs(t, err, commerce.ErrResourceExhausted)

	_, err = carts.Get(context.Background(), commerce.NewID[commerce.CartID]())
	assert.ErrorIs(t, err, commerce.ErrNotFound, "the server still serves small requests")
}

func TestWritesCarryTheirIdempotencyKey(t *testing.T) {
	r := newRemote(t)
	keys := make(chan string, 10)
	path, h := connectrpc.NewPaymentServer(r.World.Payments, nil)
	url := serve(t)(path, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		keys <- req.Header.Get(connectrpc.HeaderIdempotencyKey)
		h.ServeHTTP(w, req)
	}))
	payments, err := connectrpc.NewPaymentClient(nil, url, nil)
	require.NoError(t, err)

	p, err := payments.Authorize(context.Background(), payment.AuthorizeInput{
		OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(100, "USD"), PaymentMethod: "pm_card_visa", IdempotencyKey: "pay-7",
	})
	require.NoError(t, err)
	assert.Equal(t, "pay-7", <-keys)
	_, err = payments.Capture(context.Background(), p.ID, commerce.Money{})
	require.NoError(t, err)
	assert.Equal(t, p.ID.String(), <-keys)
	_, err = payments.GetByOrder(context.Background(), p.OrderID)
	require.NoError(t, err)
	assert.Empty(t, <-keys, "reads carry none")
}

func TestBaseURLsAreChecked(t *testing.T) {
	for _, bad := range []string{"", "cart:3003", "/cart", "ftp://cart:3003", "http://"} {
		_, err := connectrpc.NewCartClient(nil, bad, nil)
		assert.ErrorIs(t, err, commerce.ErrInvalidArgument, bad)
	}
	_, err := connectrpc.NewCartClient(nil, "http://cart:3003/", nil)
	assert.NoError(t, err)
}
