package order_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/cart"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// TestUntrackedStock: a host that keeps its stock elsewhere checks out a
// SKU it never stocked here when the inventory runs with Untracked, and
// gets out_of_stock without it; cancelling the order settles the
// reservation without creating a level.
func TestUntrackedStock(t *testing.T) {
	checkout := func(t *testing.T, untracked bool) (order.Order, *order.Service, *inventory.Service, error) {
		ctx := context.Background()
		events := commerce.DiscardEvents{}
		carts, err := cart.NewService(memory.NewCartStore(&memory.Options{Events: events}), prices{}, nil)
		require.NoError(t, err)
		stock, err := inventory.NewService(memory.NewInventoryStore(&memory.Options{Events: events}), &inventory.Options{Untracked: untracked})
		require.NoError(t, err)
		payments, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: events}), fakeprovider.New(nil), nil)
		require.NoError(t, err)
		orders, err := order.NewService(memory.NewOrderStore(&memory.Options{Events: events}), carts, stock, payments, nil)
		require.NoError(t, err)
		c, err := carts.Create(ctx, cart.CreateInput{Currency: "USD"})
		require.NoError(t, err)
		_, err = carts.AddItem(ctx, c.ID, cart.AddItemInput{SKU: "NEVER-STOCKED", Quantity: 3})
		require.NoError(t, err)
		o, err := orders.Checkout(ctx, c.ID, order.CheckoutInput{
			Email:           "ada@example.com",
			ShippingAddress: commerce.Address{Name: "Ada Lovelace", Line1: "12 St James's Square", City: "London", Country: "GB"},
			PaymentMethod:   "pm_card_visa",
			IdempotencyKey:  "checkout-1",
		})
		return o, orders, stock, err
	}

	t.Run("on", func(t *testing.T) {
		ctx := context.Background()
		o, orders, stock, err := checkout(t, true)
		require.NoError(t, err)
		require.Equal(t, order.StatusConfirmed, o.Status)
		res, err := stock.Get(ctx, o.ReservationID)
		require.NoError(t, err)
		require.Equal(t, inventory.StatusDeducted, res.Status)
		require.Equal(t, []inventory.Line{{SKU: "NEVER-STOCKED", Quantity: 3}}, res.Untracked)
		require.Empty(t, res.Allocations)

		_, err = orders.Cancel(ctx, o.ID, order.ActorAdmin, "changed mind")
		require.NoError(t, err)
		res, err = stock.Get(ctx, o.ReservationID)
		require.NoError(t, err)
		require.Equal(t, inventory.StatusRestocked, res.Status)
		levels, err := stock.Levels(ctx, "NEVER-STOCKED")
		require.NoError(t, err)
		require.Empty(t, levels, "restocking an untracked line creates no level")
	})

	t.Run("off", func(t *testing.T) {
		_, _, _, err := checkout(t, false)
		require.Equal(t, commerce.CodeOutOfStock, commerce.Code(err), "error: %v", err)
		var oos *inventory.OutOfStockError
		require.True(t, errors.As(err, &oos))
		require.Equal(t, []inventory.Shortage{{SKU: "NEVER-STOCKED", Requested: 3, Available: 0}}, oos.Shortages)
	})
}
