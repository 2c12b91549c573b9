package connectrpc_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/connectrpc"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/notify"
	"github.com/mercatohq/mercato/order/ordertest"
)

// The order directory answers over Connect what it answers in process:
// whom to notify about an order and what messages show of it; a missing
// order stays NotFound, which the notification service skips.
func TestOrderDirectoryRoundTrip(t *testing.T) {
	ctx := context.Background()
	w := ordertest.NewWorld(t, memoryStores, nil)
	w.SetStock(t, "MUG", 5)
	o, err := w.Orders.Checkout(ctx, w.Cart(t, ordertest.Item{SKU: "MUG", Quantity: 2}), ordertest.Input("pm_card_visa", ordertest.NewKey()))
	require.NoError(t, err)

	local := notify.OrderDirectory(w.Orders, nil)
	client, err := connectrpc.NewOrderDirectoryClient(nil, serve(t)(connectrpc.NewOrderDirectoryServer(local, nil)), nil)
	require.NoError(t, err)
	dir := connectrpc.Directory{Orders: client}

	want, err := local.OrderRecipient(ctx, o.ID)
	require.NoError(t, err)
	got, err := dir.OrderRecipient(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, "ada@example.com", got.Email)

	wantSummary, err := local.OrderSummary(ctx, o.ID)
	require.NoError(t, err)
	summary, err := dir.OrderSummary(ctx, o.ID)
	require.NoError(t, err)
	assert.True(t, wantSummary.PlacedAt.Equal(summary.PlacedAt))
	summary.PlacedAt = wantSummary.PlacedAt
	assert.Equal(t, wantSummary, summary)
	assert.NotEmpty(t, summary.Number)

	missing := commerce.NewID[commerce.OrderID]()
	_, err = dir.OrderRecipient(ctx, missing)
	assert.ErrorIs(t, err, commerce.ErrNotFound)
	_, err = dir.OrderSummary(ctx, missing)
	assert.ErrorIs(t, err, commerce.ErrNotFound)

	_, err = dir.CustomerRecipient(ctx, commerce.NewID[commerce.CustomerID]())
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "a directory without the customer service: %v", err)
}
