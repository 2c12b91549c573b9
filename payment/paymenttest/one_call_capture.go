package paymenttest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// testOneCallCapture covers CaptureNow against a provider that captures in
// the authorization call: one provider call, no Capture, the payment
// Completed with every event; an answer lost after the charge is looked
// up, not charged again; a payment whose creator died before the call is
// sent by Reconcile, once.
func testOneCallCapture(t *testing.T, newStore NewStore) {
	e := newEnv(t, newStore, nil)
	e.fake = fakeprovider.New(&fakeprovider.Options{Clock: e.clock, AutoCapture: true})
	e.svc = e.service(nil)
	ctx := context.Background()

	p := e.completed(1999)
	assert.Equal(t, money(1999), p.CapturedAmount)
	assert.Equal(t, 1, p.Attempts)
	assert.NotEmpty(t, p.ProviderRef)
	assert.Equal(t, 1, e.fake.Calls("authorize"))
	assert.Zero(t, e.fake.Calls("capture"), "captured in the authorization call")
	require.Len(t, e.fake.Charges(), 1)
	assert.Equal(t, money(1999), e.fake.Charges()[0].Captured)
	for _, name := range []string{"payment.initiated", "payment.authorized", "payment.captured", "payment.completed"} {
		e.rec.Await(t, name, 1)
	}

	// The charge went through but its answer was lost: the lookup finds
	// it captured.
	e.fake.Script("pm_lost_answer", fakeprovider.Script{Outcome: fakeprovider.TimeoutAfterSuccess})
	in := input("pm_lost_answer")
	in.CaptureNow = true
	lost, err := e.svc.Authorize(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, lost.Status)
	assert.Len(t, e.fake.ChargesFor(lost.ID), 1)
	assert.Zero(t, e.fake.Calls("capture"))

	// A declined one-call capture fails the payment.
	in = input("pm_card_chargeDeclined")
	in.CaptureNow = true
	declined, err := e.svc.Authorize(ctx, in)
	requireCode(t, commerce.CodePaymentDeclined, err)
	assert.Equal(t, payment.StatusFailed, declined.Status)

	// The process died right after creating the payment, Processing, as
	// Authorize leaves it before the provider call: Reconcile sends it
	// once it is stale, with the key a first send would have used.
	now := e.clock.Now()
	dead := payment.Payment{
		ID: commerce.NewID[commerce.PaymentID](), OrderID: commerce.NewID[commerce.OrderID](), Amount: money(700),
		Status: payment.StatusProcessing, Attempts: 1, Provider: fakeprovider.Name, PaymentMethod: "pm_card_visa",
		CaptureNow: true, MaxRetries: 3, IdempotencyKey: "died-before-the-call",
		CapturedAmount: money(0), RefundedAmount: money(0), CreatedAt: now, UpdatedAt: now,
	}
	_, created, err := e.store.Create(ctx, dead, nil)
	require.NoError(t, err)
	require.True(t, created)
	calls := e.fake.Calls("authorize")
	_, err = e.svc.Reconcile(ctx, dead.ID)
	requireCode(t, commerce.CodeUnavailable, err)
	assert.Equal(t, calls, e.fake.Calls("authorize"), "not sent while it may still be in flight")
	e.clock.Advance(payment.DefaultStaleAfter + time.Second)
	got, err := e.svc.Reconcile(ctx, dead.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, got.Status)
	assert.Len(t, e.fake.ChargesFor(dead.ID), 1)
	again, err := e.svc.Reconcile(ctx, dead.ID)
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, again.Status)
	assert.Len(t, e.fake.ChargesFor(dead.ID), 1)
	assert.Zero(t, e.fake.Calls("capture"))
}
