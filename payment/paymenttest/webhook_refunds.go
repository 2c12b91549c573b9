package paymenttest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
)

// testWebhookRefunds: a refund made in the provider's dashboard reaches
// Mercato only as a refund notification. It is recorded on the payment
// as if made through Mercato (a Succeeded refund with the provider's
// reference, RefundedAmount, payment.refunded marked External), once,
// however often the notification is delivered; refunds Mercato made
// itself, listed by later notifications, are not recorded twice.
func testWebhookRefunds(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	ctx := context.Background()
	p := e.completed(10000)

	ours, err := e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(1000), IdempotencyKey: "ours"})
	require.NoError(t, err)
	outside, err := e.fake.RefundOutside(p.ProviderRef, money(2500))
	require.NoError(t, err)
	payload, header := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventRefunded, Ref: p.ProviderRef, Amount: money(3500),
		Refunds: []payment.ProviderRefund{{Ref: ours.ProviderRef, Amount: money(1000)}, outside}})
	for range 2 {
		require.NoError(t, e.svc.HandleWebhook(ctx, payload, header), "delivered twice")
	}
	got, err := e.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, money(3500), got.RefundedAmount)
	refunds, err := e.svc.Refunds(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, refunds, 2, "ours once, the dashboard's once")
	dash := refunds[1]
	assert.Equal(t, outside.Ref, dash.ProviderRef)
	assert.Equal(t, money(2500), dash.Amount)
	assert.Equal(t, payment.RefundSucceeded, dash.Status)

	evs := e.rec.Await(t, "payment.refunded", 2)
	var external []payment.Refunded
	for _, env := range evs {
		if ev := env.Payload.(payment.Refunded); ev.External {
			external = append(external, ev)
		}
	}
	require.Len(t, external, 1)
	assert.Equal(t, payment.Refunded{PaymentID: p.ID, OrderID: p.OrderID, RefundID: dash.ID, Amount: money(2500),
		RefundedTotal: money(3500), CapturedAmount: money(10000), Reason: dash.Reason, External: true}, external[0])

	// What is left to refund through Mercato accounts for it.
	_, err = e.svc.Refund(ctx, payment.RefundInput{PaymentID: p.ID, Amount: money(6501), IdempotencyKey: "too-much"})
	requireCode(t, commerce.CodeFailedPrecondition, err)

	// A provider that reports only the total refunded: the difference is
	// recorded, once.
	_, err = e.fake.RefundOutside(p.ProviderRef, money(500))
	require.NoError(t, err)
	totalOnly, th := e.fake.SignedEvent(payment.WebhookEvent{Type: payment.EventRefunded, Ref: p.ProviderRef, Amount: money(4000)})
	for range 2 {
		require.NoError(t, e.svc.HandleWebhook(ctx, totalOnly, th))
	}
	got, err = e.svc.Get(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, money(4000), got.RefundedAmount)
	refunds, err = e.svc.Refunds(ctx, p.ID)
	require.NoError(t, err)
	assert.Len(t, refunds, 3)
}
