package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order"
)

// tableOutbox writes each event's name into the table recorded_events of
// the store's transaction, so a test sees exactly what committed.
type tableOutbox struct{}

func (tableOutbox) Publish(ctx context.Context, tx pgx.Tx, events ...commerce.Envelope) error {
	for _, e := range events {
		if _, err := tx.Exec(ctx, `INSERT INTO recorded_events (name) VALUES ($1)`, e.Name); err != nil {
			return err
		}
	}
	return nil
}

// updateFromWorld is a unitWorld whose order store writes its events
// into the table recorded_events.
type updateFromWorld struct{ unitWorld }

func newUpdateFromWorld(t *testing.T) updateFromWorld {
	t.Helper()
	w := newUnitWorldWith(t, true, tableOutbox{})
	_, err := w.pool.Exec(context.Background(), `CREATE TABLE recorded_events (name text NOT NULL)`)
	require.NoError(t, err)
	return updateFromWorld{w}
}

// toPaymentPending is an update that moves an order to PaymentPending
// with its transition and one event.
func toPaymentPending(o *order.Order) ([]commerce.Envelope, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	o.History = append(o.History, order.Transition{From: o.Status, To: order.StatusPaymentPending, Actor: order.ActorSystem, Reason: "test", At: now})
	o.Status, o.UpdatedAt = order.StatusPaymentPending, now
	return []commerce.Envelope{commerce.NewEnvelope(o.ID.String(), now, order.PaymentPendingEvent{Change: order.Change{Order: *o}})}, nil
}

// newEmail is an update that changes only an order's email, with one
// event and no transition: no history row, whose key would collide, stands
// between a stale write and its commit.
func newEmail(o *order.Order) ([]commerce.Envelope, error) {
	o.Email = "grace@example.com"
	return []commerce.Envelope{commerce.NewEnvelope(o.ID.String(), time.Now(), order.PaymentPendingEvent{Change: order.Change{Order: *o}})}, nil
}

// events are the names of the events committed so far.
func (w updateFromWorld) events(t *testing.T) []string {
	t.Helper()
	rows, err := w.pool.Query(context.Background(), `SELECT name FROM recorded_events`)
	require.NoError(t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return names
}

// reserved is the MUG's reserved units.
func (w updateFromWorld) reserved(t *testing.T) int {
	t.Helper()
	_, _, reserved := w.state(t)
	return reserved
}

// UpdateFrom writes from the order its caller holds while the stored one
// is still at that version, and otherwise writes nothing: not the order,
// not its history, not its events, also in a unit of work whatever comes
// after it, the COMMIT included.
func TestOrderStoreUpdateFrom(t *testing.T) {
	ctx := context.Background()
	var _ order.UpdaterFrom = (*postgres.OrderStore)(nil)

	t.Run("at its version", func(t *testing.T) {
		w := newUpdateFromWorld(t)
		got, err := w.orders.UpdateFrom(ctx, w.order, toPaymentPending)
		require.NoError(t, err)
		assert.Equal(t, order.StatusPaymentPending, got.Status)
		assert.Equal(t, w.order.Version+1, got.Version)
		stored, err := w.orders.Get(ctx, w.order.ID)
		require.NoError(t, err)
		assert.Equal(t, got, stored)
		assert.Len(t, stored.History, 2)
		assert.Len(t, w.events(t), 1)
	})

	t.Run("moved on", func(t *testing.T) {
		w := newUpdateFromWorld(t)
		moved, err := w.orders.Update(ctx, w.order.ID, toPaymentPending)
		require.NoError(t, err)
		_, err = w.orders.UpdateFrom(ctx, w.order, newEmail)
		require.Equal(t, commerce.CodeConflict, commerce.Code(err), "%v", err)
		stored, err := w.orders.Get(ctx, w.order.ID)
		require.NoError(t, err)
		assert.Equal(t, moved, stored)
		assert.Len(t, w.events(t), 1, "only Update's")
	})

	t.Run("gone", func(t *testing.T) {
		w := newUpdateFromWorld(t)
		require.NoError(t, w.orders.Discard(ctx, w.order.ID, func(order.Order) ([]commerce.Envelope, error) { return nil, nil }))
		_, err := w.orders.UpdateFrom(ctx, w.order, newEmail)
		require.Equal(t, commerce.CodeConflict, commerce.Code(err), "%v", err)
		assert.Empty(t, w.events(t))
	})

	t.Run("closure error", func(t *testing.T) {
		w := newUpdateFromWorld(t)
		stop := errors.New("stop")
		_, err := w.orders.UpdateFrom(ctx, w.order, func(*order.Order) ([]commerce.Envelope, error) { return nil, stop })
		require.Equal(t, stop, err)
		stored, err := w.orders.Get(ctx, w.order.ID)
		require.NoError(t, err)
		assert.Equal(t, w.order, stored)
	})

	for name, writeLast := range map[string]bool{"moved on in a unit, then a stock write": false, "moved on in a unit, as its last write": true} {
		t.Run(name, func(t *testing.T) {
			w := newUpdateFromWorld(t)
			moved, err := w.orders.Update(ctx, w.order.ID, toPaymentPending)
			require.NoError(t, err)
			reserve := func(ctx context.Context) error {
				_, err := w.stock.Reserve(ctx, w.order.ReservationID, []inventory.Line{{SKU: "MUG", Quantity: 1}}, time.Hour)
				return err
			}
			update := func(ctx context.Context) error {
				_, err := w.orders.UpdateFrom(ctx, w.order, newEmail)
				return err
			}
			err = w.orders.Atomically(ctx, func(ctx context.Context) error {
				first, second := update, reserve
				if writeLast {
					first, second = reserve, update
				}
				if err := first(ctx); err != nil {
					return err
				}
				return second(ctx)
			})
			require.Equal(t, commerce.CodeConflict, commerce.Code(err), "%v", err)
			stored, err := w.orders.Get(ctx, w.order.ID)
			require.NoError(t, err)
			assert.Equal(t, moved, stored)
			assert.Len(t, w.events(t), 1, "only Update's")
			assert.Zero(t, w.reserved(t), "the unit's reservation rolled back")
		})
	}

	t.Run("in a unit, at its version", func(t *testing.T) {
		w := newUpdateFromWorld(t)
		require.NoError(t, w.orders.Atomically(ctx, func(ctx context.Context) error {
			if _, err := w.orders.UpdateFrom(ctx, w.order, toPaymentPending); err != nil {
				return err
			}
			_, err := w.stock.Reserve(ctx, w.order.ReservationID, []inventory.Line{{SKU: "MUG", Quantity: 1}}, time.Hour)
			return err
		}))
		stored, err := w.orders.Get(ctx, w.order.ID)
		require.NoError(t, err)
		assert.Equal(t, order.StatusPaymentPending, stored.Status)
		assert.Len(t, w.events(t), 1)
		assert.Equal(t, 1, w.reserved(t))
	})
}
