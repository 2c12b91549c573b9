package ordertest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/order"
	"github.com/mercatohq/mercato/payment"
)

// testExternalRefund: a refund made in the provider's dashboard, learnt
// from a signed webhook delivered twice, is recorded once on the payment
// and, following payment.refunded (delivered twice too), once on the
// order, which tells the customer with order.refunded.
func testExternalRefund(t *testing.T, s suite) {
	w := s.world(t, nil)
	ctx := context.Background()
	w.SetStock(t, "MUG", 5)
	o := w.confirmedOrder(t, 2)
	p, err := w.Payments.Get(ctx, o.PaymentIDs[0])
	require.NoError(t, err)

	outside, err := w.Provider.RefundOutside(p.ProviderRef, money(700))
	require.NoError(t, err)
	payload, header := w.Provider.SignedEvent(payment.WebhookEvent{Type: payment.EventRefunded, Ref: p.ProviderRef,
		Amount: money(700), Refunds: []payment.ProviderRefund{outside}})
	for range 2 {
		require.NoError(t, w.Payments.HandleWebhook(ctx, payload, header))
	}
	envs := w.Events.Await(t, "payment.refunded", 1)
	require.Len(t, envs, 1, "recorded once on the payment")
	for range 2 {
		require.NoError(t, w.Orders.HandlePaymentRefunded(ctx, envs[0]))
	}

	got, err := w.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, order.StatusConfirmed, got.Status, "the status stays")
	require.Len(t, got.ExternalRefunds, 1)
	ext := got.ExternalRefunds[0]
	assert.Equal(t, envs[0].Payload.(payment.Refunded).RefundID, ext.RefundID)
	assert.Equal(t, p.ID, ext.PaymentID)
	assert.Equal(t, money(700), ext.Amount)
	assert.Equal(t, int64(2*defaultPrice-700), w.captured(t, o.ID))

	refunded := w.Events.Await(t, "order.refunded", 1)
	require.Len(t, refunded, 1)
	ev := refunded[0].Payload.(order.Refunded)
	assert.Equal(t, money(700), ev.Amount)
	assert.Equal(t, order.ActorProvider, ev.Actor)
	assert.Equal(t, o.ID, ev.Order.ID)

	// Refunds made through Mercato are the order's own moves' to record.
	own := commerce.NewEnvelope(p.ID.String(), w.Clock.Now(), payment.Refunded{PaymentID: p.ID, OrderID: o.ID, RefundID: commerce.NewID[commerce.RefundID](), Amount: money(100)})
	require.NoError(t, w.Orders.HandlePaymentRefunded(ctx, own))
	again, err := w.Orders.Get(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, got, again)
}
