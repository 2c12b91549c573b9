package payment_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mercatohq/mercato/adapters/memory"
	"github.com/mercatohq/mercato/commerce"
	"github.com/mercatohq/mercato/payment"
	"github.com/mercatohq/mercato/payment/fakeprovider"
)

// Record stores the payment Processing without calling the provider, and
// Send then authorizes and captures it as Authorize would; a repeat of
// Record finds the payment, and a payment that is no longer as recorded
// is not sent.
func TestPaymentRecordThenSend(t *testing.T) {
	ctx := context.Background()
	fake := fakeprovider.New(nil)
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fake, nil)
	require.NoError(t, err)
	in := payment.AuthorizeInput{OrderID: commerce.NewID[commerce.OrderID](), Amount: commerce.MustMoney(1250, "USD"),
		PaymentMethod: "pm_card_visa", IdempotencyKey: "k", CaptureNow: true}

	p, created, err := svc.Record(ctx, in)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, payment.StatusProcessing, p.Status)
	assert.Equal(t, 1, p.Attempts)
	assert.Zero(t, fake.Calls("authorize"), "nothing is sent")

	again, created, err := svc.Record(ctx, in)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, p.ID, again.ID)
	other := in
	other.Amount = commerce.MustMoney(1, "USD")
	_, _, err = svc.Record(ctx, other)
	assert.Equal(t, commerce.CodeConflict, commerce.Code(err), "the key with other input")
	_, _, err = svc.Record(ctx, payment.AuthorizeInput{})
	assert.Equal(t, commerce.CodeInvalidArgument, commerce.Code(err))

	sent, err := svc.Send(ctx, p, "Order 1")
	require.NoError(t, err)
	assert.Equal(t, payment.StatusCompleted, sent.Status)
	assert.Equal(t, in.Amount, sent.CapturedAmount)
	assert.Equal(t, 1, fake.Calls("authorize"))

	_, err = svc.Send(ctx, sent, "Order 1")
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err), "a captured payment is not sent again")
	_, err = svc.Send(ctx, payment.Payment{}, "")
	assert.Equal(t, commerce.CodeFailedPrecondition, commerce.Code(err))
	assert.Equal(t, 1, fake.Calls("authorize"))

	// Authorize with the key answers the payment Send completed.
	got, err := svc.Authorize(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, sent.ID, got.ID)
	assert.Equal(t, 1, fake.Calls("authorize"))
}

// A store that cannot write in a unit of work never says it does.
func TestPaymentInUnitNeedsAUnitMember(t *testing.T) {
	svc, err := payment.NewService(memory.NewPaymentStore(&memory.Options{Events: commerce.DiscardEvents{}}), fakeprovider.New(nil), nil)
	require.NoError(t, err)
	assert.False(t, svc.InUnit(context.Background()))
}
