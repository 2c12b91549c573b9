package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/internal/testenv"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// unitWorld is an order store on one pool and a stock on another (or the
// same), over one schema holding a Pending order for one MUG with 5 on
// hand.
type unitWorld struct {
	pool   *pgxpool.Pool
	orders *postgres.OrderStore
	stock  *inventory.Service
	order  order.Order
}

func newUnitWorld(t *testing.T, shared bool) unitWorld {
	t.Helper()
	return newUnitWorldWith(t, shared, postgres.DiscardEvents{})
}

// newUnitWorldWith is newUnitWorld with the order store's events written
// to outbox.
func newUnitWorldWith(t *testing.T, shared bool, outbox postgres.Outbox) unitWorld {
	t.Helper()
	ctx := context.Background()
	dsn := testenv.PostgresURL(t)
	orderPool := benchPool(t, dsn, 4, nil)
	require.NoError(t, postgres.Migrate(ctx, orderPool))
	stockPool := orderPool
	if !shared {
		stockPool = benchPool(t, dsn, 4, nil)
	}
	orders, err := postgres.NewOrderStore(orderPool, &postgres.Options{Outbox: outbox})
	require.NoError(t, err)
	inv, err := postgres.NewInventoryStore(stockPool, &postgres.Options{Outbox: postgres.DiscardEvents{}})
	require.NoError(t, err)
	stock, err := inventory.NewService(inv, nil)
	require.NoError(t, err)
	_, err = stock.SetStock(ctx, "MUG", "", 5, "test")
	require.NoError(t, err)
	o, _, err := orders.Create(ctx, pendingOrder(commerce.NewID[commerce.CartID](), ordertest.NewKey()), noEvents)
	require.NoError(t, err)
	return unitWorld{pool: orderPool, orders: orders, stock: stock, order: o}
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

// A Create that runs into an order inside a unit answers as it does alone
// (the order with the key, or Conflict for an open order of the cart
// version) and leaves the unit's transaction in place: the unit's later
// writes commit or roll back with it. A checkout places its order in a
// unit and decides there what to do with a repeat.
func TestOrderStoreCreateInAUnit(t *testing.T) {
	ctx := context.Background()
	stop := errors.New("stop")
	w := newUnitWorld(t, true)

	repeat := func(ctx context.Context) error {
		again, created, err := w.orders.Create(ctx, pendingOrder(commerce.NewID[commerce.CartID](), w.order.IdempotencyKey), noEvents)
		if err != nil {
			return err
		}
		assert.False(t, created)
		assert.Equal(t, w.order.ID, again.ID, "the order with the key")
		return w.claim(ctx)
	}
	err := w.orders.Atomically(ctx, func(ctx context.Context) error {
		if err := repeat(ctx); err != nil {
			return err
		}
		return stop
	})
	require.Equal(t, stop, err)
	st, res, reserved := w.state(t)
	assert.Equal(t, order.StatusPending, st, "the unit's later writes rolled back with it")
	assert.Empty(t, res)
	assert.Zero(t, reserved)

	require.NoError(t, w.orders.Atomically(ctx, repeat))
	st, res, reserved = w.state(t)
	assert.Equal(t, order.StatusPaymentPending, st, "the unit's later writes committed with it")
	assert.Equal(t, inventory.StatusReserved, res)
	assert.Equal(t, 1, reserved)

	sameCart := pendingOrder(w.order.CartID, ordertest.NewKey())
	err = w.orders.Atomically(ctx, func(ctx context.Context) error {
		_, _, err := w.orders.Create(ctx, sameCart, noEvents)
		return err
	})
	require.ErrorIs(t, err, commerce.ErrConflict)
	_, err = w.orders.GetByIdempotencyKey(ctx, sameCart.IdempotencyKey)
	require.ErrorIs(t, err, commerce.ErrNotFound)
}

// A payment store on the unit's pool writes in the unit and says so; one
// on another pool does not, and commits alone. A checkout records its
// payment in the unit only when the store says so, so a unit that rolls
// back never leaves a Processing payment to be sent later.
func TestPaymentStoreInUnit(t *testing.T) {
	ctx := context.Background()
	stop := errors.New("stop")
	w := newUnitWorld(t, true)
	opts := &postgres.Options{Outbox: postgres.DiscardEvents{}}
	dsn := testenv.PostgresURL(t)
	shared, err := postgres.NewPaymentStore(w.pool, opts)
	require.NoError(t, err)
	apart, err := postgres.NewPaymentStore(benchPool(t, dsn, 2, nil), opts)
	require.NoError(t, err)
	svc, err := payment.NewService(shared, fakeprovider.New(nil), nil)
	require.NoError(t, err)
	in := payment.AuthorizeInput{OrderID: w.order.ID, Amount: commerce.MustMoney(1250, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: ordertest.NewKey()}

	assert.False(t, shared.InUnit(ctx), "no unit")
	err = w.orders.Atomically(ctx, func(ctx context.Context) error {
		assert.True(t, shared.InUnit(ctx))
		assert.True(t, svc.InUnit(ctx))
		assert.False(t, apart.InUnit(ctx), "another pool")
		if _, _, err := svc.Record(ctx, in); err != nil {
			return err
		}
		if err := w.claim(ctx); err != nil {
			return err
		}
		return stop
	})
	require.Equal(t, stop, err)
	_, err = svc.GetByIdempotencyKey(ctx, in.IdempotencyKey)
	require.ErrorIs(t, err, commerce.ErrNotFound, "the payment rolled back with the unit")

	require.NoError(t, w.orders.Atomically(ctx, func(ctx context.Context) error {
		if _, _, err := svc.Record(ctx, in); err != nil {
			return err
		}
		return w.claim(ctx)
	}))
	p, err := svc.GetByIdempotencyKey(ctx, in.IdempotencyKey)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusProcessing, p.Status)
	st, _, _ := w.state(t)
	assert.Equal(t, order.StatusPaymentPending, st)
}
