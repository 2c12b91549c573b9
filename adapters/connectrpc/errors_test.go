package connectrpc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
)

// stubCarts is a CartService whose Get returns what get says.
type stubCarts struct {
	get func(ctx context.Context, id commerce.CartID) (cart.Cart, error)
}

func (s stubCarts) Get(ctx context.Context, id commerce.CartID) (cart.Cart, error) {
	return s.get(ctx, id)
}

func (stubCarts) PriceItems(context.Context, cart.Cart) (cart.Totals, error) {
	return cart.Totals{}, commerce.Errorf(commerce.CodeInternal, "not stubbed")
}

func (stubCarts) MarkConverted(context.Context, commerce.CartID, commerce.OrderID, int64) (cart.Cart, error) {
	return cart.Cart{}, commerce.Errorf(commerce.CodeInternal, "not stubbed")
}

// failingCarts returns a client of a cart server whose Get fails with err.
func failingCarts(t *testing.T, err error) *connectrpc.CartClient {
	t.Helper()
	url := serve(t)(connectrpc.NewCartServer(stubCarts{get: func(context.Context, commerce.CartID) (cart.Cart, error) {
		return cart.Cart{}, err
	}}, &connectrpc.ServerOptions{Logger: quiet}))
	c, cerr := connectrpc.NewCartClient(nil, url, &connectrpc.ClientOptions{MaxAttempts: 1})
	require.NoError(t, cerr)
	return c
}

func TestEveryCodeSurvivesTheWire(t *testing.T) {
	codes := []commerce.ErrorCode{
		commerce.CodeNotFound, commerce.CodeInvalidArgument, commerce.CodeConflict, commerce.CodeOutOfStock,
		commerce.CodePaymentDeclined, commerce.CodeFailedPrecondition, commerce.CodeUnavailable,
		commerce.CodeUnauthenticated, commerce.CodePermissionDenied, commerce.CodeResourceExhausted, commerce.CodeInternal,
	}
	for _, code := range codes {
		t.Run(string(code), func(t *testing.T) {
			sent := commerce.Errorf(code, "cart cart_x: %s", code).WithDetail("field", "id")
			_, err := failingCarts(t, fmt.Errorf("load: %w", sent)).Get(context.Background(), commerce.NewID[commerce.CartID]())
			require.Error(t, err)
			assert.Equal(t, code, commerce.Code(err))
			assert.ErrorIs(t, err, &commerce.Error{Code: code})
		})
	}
}

func TestMessageAndDetailsOfTheCallersMistakeTravel(t *testing.T) {
	sent := commerce.Errorf(commerce.CodeConflict, "idempotency key %q reused with other input", "k1").
		WithDetail("field", "idempotency_key").WithDetail("limit", 3)
	_, err := failingCarts(t, sent).Get(context.Background(), commerce.NewID[commerce.CartID]())
	var got *commerce.Error
	require.ErrorAs(t, err, &got)
	assert.Equal(t, sent.Message, got.Message)
	assert.Equal(t, map[string]any{"field": "idempotency_key", "limit": float64(3)}, got.Details)
	assert.NoError(t, got.Unwrap(), "no cause crosses the wire")
}

func TestInternalCausesStayOnTheServer(t *testing.T) {
	secret := errors.New("pq: relation \"carts\" does not exist at 10.0.0.7:5432")
	tests := []struct {
		name string
		err  error
		code commerce.ErrorCode
	}{
		{"plain error", secret, commerce.CodeInternal},
		{"internal with cause", commerce.Errorf(commerce.CodeInternal, "query: %w", secret), commerce.CodeInternal},
		{"unavailable with cause", commerce.Errorf(commerce.CodeUnavailable, "redis: %w", secret), commerce.CodeUnavailable},
		{"client code over a network failure", commerce.Errorf(commerce.CodeNotFound, "dial: %w",
			&net.OpError{Op: "dial", Net: "tcp", Err: secret}), commerce.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := failingCarts(t, tt.err).Get(context.Background(), commerce.NewID[commerce.CartID]())
			require.Error(t, err)
			assert.Equal(t, tt.code, commerce.Code(err))
			assert.NotContains(t, err.Error(), "10.0.0.7")
			assert.NotContains(t, err.Error(), "relation")
			var got *commerce.Error
			require.ErrorAs(t, err, &got)
			assert.Empty(t, got.Details)
		})
	}
}

func TestASentinelTravelsByName(t *testing.T) {
	sent := commerce.Errorf(commerce.CodeFailedPrecondition, "cart is at version 3, not 2: %w", cart.ErrChanged)
	_, err := failingCarts(t, sent).Get(context.Background(), commerce.NewID[commerce.CartID]())
	assert.ErrorIs(t, err, cart.ErrChanged)
	assert.ErrorIs(t, err, commerce.ErrFailedPrecondition)
	assert.Equal(t, sent.Error(), err.Error())
}
