package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
)

// unitWorld is an order store on one pool and a stock on another (or the
// same), over one schema holding a Pending order for one MUG with 5 on
// hand.
type unitWorld struct {
	orders *postgres.OrderStore
	stock  *inventory.Service
	order  order.Order
}

func newUnitWorld(t *testing.T, shared bool) unitWorld {
	t.Helper()
	ctx := context.Background()
	dsn := testenv.PostgresURL(t)
	orderPool := benchPool(t, dsn, 4, nil)
	require.NoError(t, postgres.Migrate(ctx, orderPool))
	stockPool := orderPool
	if !shared {
		stockPool = benchPool(t, dsn, 4, nil)
	}
	opts := &postgres.Options{Outbox: postgres.DiscardEvents{}}
	orders, err := postgres.NewOrderStore(orderPool, opts)
	require.NoError(t, err)
	inv, err := postgres.NewInventoryStore(stockPool, opts)
	require.NoError(t, err)
	stock, err := inventory.NewService(inv, nil)
	require.NoError(t, err)
	_, err = stock.SetStock(ctx, "MUG", "", 5, "test")
	require.NoError(t, err)
	o, _, err := orders.Create(ctx, pendingOrder(commerce.NewID[commerce.CartID](), ordertest.NewKey()), noEvents)
	require.NoError(t, err)
	return unitWorld{orders: orders, stock: stock, order: o}
}

// claim moves the order to PaymentPending and reserves its MUG, as a
// checkout's unit does.
func (w unitWorld) claim(ctx context.Context) error {
	if _, err := w.orders.Update(ctx, w.order.ID, func(o *order.Order) ([]commerce.Envelope, error) {
		o.Status, o.UpdatedAt = order.StatusPaymentPending, time.Now()
		return nil, nil
	}); err != nil {
		return err
	}
	_, err := w.stock.Reserve(ctx, w.order.ReservationID, []inventory.Line{{SKU: "MUG", Quantity: 1}}, time.Hour)
	return err
}

// state is the order's status, the reservation's (empty when there is
// none) and the MUG's reserved units.
func (w unitWorld) state(t *testing.T) (order.Status, inventory.Status, int) {
	t.Helper()
	ctx := context.Background()
	o, err := w.orders.Get(ctx, w.order.ID)
	require.NoError(t, err)
	var status inventory.Status
	res, err := w.stock.Get(ctx, w.order.ReservationID)
	if !errors.Is(err, commerce.ErrNotFound) {
		require.NoError(t, err)
		status = res.Status
	}
	l, err := w.stock.Level(ctx, "MUG", "")
	require.NoError(t, err)
	return o.Status, status, l.Reserved
}

// The order's and the stock's writes in a unit commit together, and roll
// back together when the unit fails, also when the failure comes after
// both wrote.
func TestOrderStoreAtomically(t *testing.T) {
	ctx := context.Background()
	stop := errors.New("stop")

	t.Run("commit", func(t *testing.T) {
		w := newUnitWorld(t, true)
		require.NoError(t, w.orders.Atomically(ctx, w.claim))
		st, res, reserved := w.state(t)
		assert.Equal(t, order.StatusPaymentPending, st)
		assert.Equal(t, inventory.StatusReserved, res)
		assert.Equal(t, 1, reserved)
	})
	t.Run("rollback", func(t *testing.T) {
		w := newUnitWorld(t, true)
		err := w.orders.Atomically(ctx, func(ctx context.Context) error {
			if err := w.claim(ctx); err != nil {
				return err
			}
			return stop
		})
		require.Equal(t, stop, err, "fn's error as it is")
		st, res, reserved := w.state(t)
		assert.Equal(t, order.StatusPending, st)
		assert.Empty(t, res, "no reservation")
		assert.Zero(t, reserved)
	})
	t.Run("nested units join", func(t *testing.T) {
		w := newUnitWorld(t, true)
		err := w.orders.Atomically(ctx, func(ctx context.Context) error {
			if err := w.orders.Atomically(ctx, w.claim); err != nil {
				return err
			}
			return stop
		})
		require.Equal(t, stop, err)
		st, res, _ := w.state(t)
		assert.Equal(t, order.StatusPending, st, "the inner unit rolled back with the outer")
		assert.Empty(t, res)
	})
	t.Run("a store on another pool commits alone, before the unit", func(t *testing.T) {
		w := newUnitWorld(t, false)
		err := w.orders.Atomically(ctx, func(ctx context.Context) error {
			if err := w.claim(ctx); err != nil {
				return err
			}
			// The reservation is visible to others already; the order's
			// move is not.
			st, res, _ := w.state(t)
			assert.Equal(t, order.StatusPending, st)
			assert.Equal(t, inventory.StatusReserved, res)
			return stop
		})
		require.Equal(t, stop, err)
		st, res, reserved := w.state(t)
		assert.Equal(t, order.StatusPending, st)
		assert.Equal(t, inventory.StatusReserved, res)
		assert.Equal(t, 1, reserved)
	})
	t.Run("a unit that writes nothing", func(t *testing.T) {
		w := newUnitWorld(t, true)
		require.NoError(t, w.orders.Atomically(ctx, func(context.Context) error { return nil }))
		st, _, _ := w.state(t)
		assert.Equal(t, order.StatusPending, st)
	})
}
