package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/postgres"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/inventory"
	"github.com/mercatohq/mercato/order/ordertest"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// A payment store over the world of updateFromWorld, its events in
// recorded_events, holding a payment just recorded for the world's order.
func newPaymentUpdateFromWorld(t *testing.T) (updateFromWorld, *postgres.PaymentStore, payment.Payment) {
	t.Helper()
	w := newUpdateFromWorld(t)
	store, err := postgres.NewPaymentStore(w.pool, &postgres.Options{Outbox: tableOutbox{}})
	require.NoError(t, err)
	svc, err := payment.NewService(store, fakeprovider.New(nil), nil)
	require.NoError(t, err)
	p, _, err := svc.Record(context.Background(), payment.AuthorizeInput{OrderID: w.order.ID, Amount: commerce.MustMoney(1250, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: ordertest.NewKey()})
	require.NoError(t, err)
	return w, store, p
}

// attempted is an update that counts an attempt, with one event.
func attempted(p *payment.Payment) ([]commerce.Envelope, error) {
	p.Attempts++
	p.UpdatedAt = time.Now()
	return []commerce.Envelope{commerce.NewEnvelope(p.ID.String(), p.UpdatedAt, payment.Initiated{PaymentID: p.ID, OrderID: p.OrderID, Amount: p.Amount, IdempotencyKey: p.IdempotencyKey})}, nil
}

// noted changes p's failure message through Update, and returns p as
// stored then.
func noted(t *testing.T, store *postgres.PaymentStore, p payment.Payment) payment.Payment {
	t.Helper()
	changed, err := store.Update(context.Background(), p.ID, func(q *payment.Payment) ([]commerce.Envelope, error) {
		q.FailureMessage = "noted"
		return nil, nil
	})
	require.NoError(t, err)
	return changed
}

// UpdateFrom writes from the payment its caller holds while every column
// an update writes is stored as the caller saw it, and otherwise writes
// nothing, also as a unit of work's last write.
func TestPaymentStoreUpdateFrom(t *testing.T) {
	ctx := context.Background()
	var _ payment.UpdaterFrom = (*postgres.PaymentStore)(nil)

	t.Run("as seen", func(t *testing.T) {
		w, store, p := newPaymentUpdateFromWorld(t)
		before := len(w.events(t))
		got, err := store.UpdateFrom(ctx, p, attempted)
		require.NoError(t, err)
		assert.Equal(t, p.Attempts+1, got.Attempts)
		stored, err := store.Get(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, got, stored)
		assert.Len(t, w.events(t), before+1)
	})

	t.Run("changed since", func(t *testing.T) {
		w, store, p := newPaymentUpdateFromWorld(t)
		changed := noted(t, store, p)
		before := len(w.events(t))
		_, err := store.UpdateFrom(ctx, p, attempted)
		require.Equal(t, commerce.CodeConflict, commerce.Code(err), "%v", err)
		stored, err := store.Get(ctx, p.ID)
		require.NoError(t, err)
		assert.Equal(t, changed, stored)
		assert.Len(t, w.events(t), before)
	})

	t.Run("changed since, in a unit, as its last write", func(t *testing.T) {
		w, store, p := newPaymentUpdateFromWorld(t)
		noted(t, store, p)
		before := len(w.events(t))
		err := w.orders.Atomically(ctx, func(ctx context.Context) error {
			if _, err := w.stock.Reserve(ctx, w.order.ReservationID, []inventory.Line{{SKU: "MUG", Quantity: 1}}, time.Hour); err != nil {
				return err
			}
			_, err := store.UpdateFrom(ctx, p, attempted)
			return err
		})
		require.Equal(t, commerce.CodeConflict, commerce.Code(err), "%v", err)
		assert.Len(t, w.events(t), before)
		assert.Zero(t, w.reserved(t), "the unit's reservation rolled back")
	})
}
